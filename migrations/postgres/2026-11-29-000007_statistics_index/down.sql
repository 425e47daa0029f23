DROP INDEX clicks_channel_day;
CREATE INDEX clicks_channel_day ON clicks (channel_id, day);
