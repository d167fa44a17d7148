-- Account email: verified addresses, the single-use tokens mailed links carry, and the outbox
-- that delivers those mails.

-- Set when the address was proven by a mailed link; NULL while it is not.
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;

-- A link mailed to a user: reset the password, verify the address, or confirm a new one.
-- Only the SHA-256 of the token is stored (OWASP Forgot Password Cheat Sheet), so a copy of
-- the database cannot be used to take over accounts.
CREATE TABLE account_tokens (
    token_hash TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The address the link went to: the new one for a change of address.
    email      TEXT    NOT NULL,
    -- For a change of address, the session that asked: it stays signed in.
    session_id TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- Set once, when the token is used or a newer one (or a password change) replaces it.
    used_at    INTEGER
);

CREATE INDEX account_tokens_by_user ON account_tokens (user_id, purpose);

-- Mail waiting to be delivered, written in the same transaction as what it announces, and
-- delivered by a sender task with retries (a transactional outbox). Once sent, the bodies
-- (which may hold a link's token) are blanked; the row stays as the record of delivery.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Which template: password_reset, password_changed, verify_email, ...
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    user_id         INTEGER,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds: backoff starts at one second.
    next_attempt_at INTEGER NOT NULL,
    -- A sender that claims the row owns it until then (unix milliseconds); one that dies
    -- mid-delivery loses the claim and another retries.
    claimed_until   INTEGER,
    sent_at         INTEGER,
    -- Set when the relay refused the mail for good (a permanent SMTP error).
    failed_at       INTEGER,
    last_error      TEXT
);

CREATE INDEX mail_outbox_pending ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
