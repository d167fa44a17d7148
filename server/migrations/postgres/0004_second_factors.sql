-- Second factors: an authenticator app (TOTP, RFC 6238) with recovery codes, the second step
-- of a sign-in, and how each session's sign-in was proven (RFC 8176 `amr`).

-- The authentication methods of the session's sign-in, as RFC 8176 values separated by spaces:
-- `pwd`, or `pwd otp mfa` after a second factor. A refresh keeps them, so every token of the
-- session says how it began. Sessions older than this column were password sign-ins.
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';

-- A user's authenticator app, one per user: pending until a first code confirms it.
CREATE TABLE totp_secrets (
    user_id      BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- The shared secret, sealed (XChaCha20-Poly1305 under a key derived from the signing
    -- secret, bound to the user): a copy of the database alone cannot compute codes. It is
    -- shown once, at setup, and never sent again.
    secret       TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    -- NULL while the setup waits for its first code; TOTP is on once set.
    confirmed_at BIGINT,
    -- The last time step (unix time / 30 s) a code was accepted for. Only a later step is
    -- accepted, so a code works at most once, even within its window (RFC 6238 §5.2).
    last_step    BIGINT  NOT NULL DEFAULT 0
);

-- Codes that stand in for the authenticator when it is lost, each usable once. They are random
-- (50 bits each), so a salted SHA-256 is stored, never the code.
CREATE TABLE recovery_codes (
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    -- Set once, when the code finishes a sign-in.
    used_at    BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in between its two steps: the password was right, a code is awaited. The client holds
-- an opaque mfa_token; only its SHA-256 is stored, and any instance can finish the sign-in.
CREATE TABLE mfa_challenges (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    -- Wrong codes so far: at five the token is dead, so one password buys five guesses.
    failures   BIGINT  NOT NULL DEFAULT 0,
    -- Set once, when a right code finishes the sign-in.
    used_at    BIGINT
);

-- Dead challenges are deleted with dead sessions.
CREATE INDEX mfa_challenges_by_expiry ON mfa_challenges (expires_at);
