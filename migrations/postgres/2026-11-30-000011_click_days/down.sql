DROP TRIGGER clicks_roll_up ON clicks;
DROP FUNCTION clicks_roll_up();
DROP TABLE click_days;
CREATE INDEX clicks_channel_day ON clicks (channel_id, day, credited, epi);
