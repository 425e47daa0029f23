-- Outgoing mail waits here until a worker has sent it: a request never waits for SMTP, SMTP down
-- delays mail but fails no request, and a restart sends what is queued.
CREATE TABLE mail_queue (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    sent_at TIMESTAMP
);
CREATE INDEX mail_queue_due ON mail_queue (sent_at, next_attempt_at);
