-- An account manager who leaves is disabled, not deleted (their decisions and audit lines keep
-- naming them): a disabled account cannot log in, and a disabled administrator does not count
-- towards "there is always an administrator".
ALTER TABLE accounts ADD COLUMN disabled_at TIMESTAMP;
