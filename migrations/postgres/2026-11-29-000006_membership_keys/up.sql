-- A membership names an existing programme and channel, a programme domain an existing programme.
-- These foreign keys were missing; the diesel schema generated from the migrations showed it.
ALTER TABLE memberships
    ADD CONSTRAINT memberships_programme_id_fkey FOREIGN KEY (programme_id) REFERENCES programmes (id),
    ADD CONSTRAINT memberships_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES channels (id);
ALTER TABLE programme_domains
    ADD CONSTRAINT programme_domains_programme_id_fkey FOREIGN KEY (programme_id) REFERENCES programmes (id);
