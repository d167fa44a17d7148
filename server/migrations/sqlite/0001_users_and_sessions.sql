-- Accounts and their sign-in sessions. Times are unix seconds (INTEGER) so the same queries
-- run unchanged on PostgreSQL's BIGINT.

-- An account: the fields Django's auth_user exposes through the API (seed 004).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Trimmed and lower-cased before insert, so one mailbox is one account.
    email         TEXT    NOT NULL UNIQUE,
    username      TEXT    NOT NULL UNIQUE,
    -- Argon2id PHC string: algorithm, parameters and salt travel with the hash, so the
    -- parameters can be raised later without a migration.
    password_hash TEXT    NOT NULL,
    first_name    TEXT    NOT NULL DEFAULT '',
    last_name     TEXT    NOT NULL DEFAULT '',
    date_joined   INTEGER NOT NULL
);

-- A session is one sign-in: a refresh-token family (RFC 9700 §4.14). Tokens carry its id as
-- `sid`. Only the jti of the refresh token that may be used next is stored, never a token.
CREATE TABLE sessions (
    id             TEXT    PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Rotation swaps this in one conditional UPDATE, so of two concurrent refreshes with the
    -- same token exactly one wins; a used token no longer matches (the blacklist).
    refresh_jti    TEXT    NOT NULL,
    -- The access token issued with refresh_jti, and when (rotated_at is that pair's iat): with
    -- them the same pair can be signed again, byte for byte, for the multi-tab grace.
    access_jti     TEXT    NOT NULL,
    rotated_at     INTEGER NOT NULL,
    -- The refresh token replaced last. Presented within the grace it gets the current pair;
    -- later, or any older token, is reuse (RFC 9700 §4.14.2) and ends the session.
    previous_jti   TEXT,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER NOT NULL,
    -- Fixed at sign-in from the refresh lifetime; rotation never extends it.
    expires_at     INTEGER NOT NULL,
    -- Shown to the user on their sessions list; not used for any decision.
    user_agent     TEXT    NOT NULL DEFAULT '',
    ip             TEXT    NOT NULL DEFAULT '',
    -- Set once, when the session ends early (logout, reuse, password change, ...).
    revoked_at     INTEGER,
    revoked_reason TEXT
);

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
-- Every instance polls for sessions revoked since its last look (revocations made by another
-- process: `server revoke-all`, or another instance on the same database).
CREATE INDEX sessions_by_revocation ON sessions (revoked_at);

-- The audit trail of security events (reuse detections, revocations, password changes).
-- No foreign keys: the trail outlives the accounts and sessions it mentions.
CREATE TABLE auth_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    user_id    INTEGER,
    session_id TEXT,
    ip         TEXT    NOT NULL DEFAULT '',
    detail     TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX auth_events_by_user ON auth_events (user_id, at);
