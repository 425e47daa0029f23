DROP TRIGGER clicks_roll_up;
DROP TABLE click_days;
