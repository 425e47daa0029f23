-- PostgreSQL partitions the click log by month (retention drops a month); SQLite removes old
-- clicks in small batches by click id (see tracking::retention), so its log stays one table.
SELECT 1;
