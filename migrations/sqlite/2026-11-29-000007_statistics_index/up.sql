-- The statistics read a channel's clicks of a period grouped by day, sub-ID and credited. With
-- those in the index itself the read never visits the click log's rows (on SQLite a second
-- B-tree lookup by click id for every click: a 365-day read of 3 million clicks took 8 s).
DROP INDEX clicks_channel_day;
CREATE INDEX clicks_channel_day ON clicks (channel_id, day, credited, epi);
