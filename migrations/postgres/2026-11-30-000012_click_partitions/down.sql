ALTER TABLE clicks RENAME TO clicks_partitioned;
DROP TRIGGER clicks_roll_up ON clicks_partitioned;
CREATE TABLE clicks (LIKE clicks_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE clicks ADD PRIMARY KEY (click_id);
INSERT INTO clicks SELECT * FROM clicks_partitioned;
DROP TABLE clicks_partitioned;
DROP FUNCTION ensure_click_partition(DATE);
DROP FUNCTION click_id_at(TIMESTAMPTZ);
CREATE TRIGGER clicks_roll_up AFTER INSERT ON clicks
REFERENCING NEW TABLE AS new_clicks
FOR EACH STATEMENT EXECUTE FUNCTION clicks_roll_up();
