ALTER TABLE programme_domains DROP CONSTRAINT programme_domains_programme_id_fkey;
ALTER TABLE memberships
    DROP CONSTRAINT memberships_channel_id_fkey,
    DROP CONSTRAINT memberships_programme_id_fkey;
