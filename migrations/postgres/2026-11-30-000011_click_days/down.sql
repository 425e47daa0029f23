DROP TRIGGER clicks_roll_up ON clicks;
DROP FUNCTION clicks_roll_up();
DROP TABLE click_days;
