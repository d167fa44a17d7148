-- Passkeys (WebAuthn Level 2, discoverable credentials with user verification): the
-- credentials themselves, the WebAuthn user handle each account presents to authenticators, and
-- the ceremonies between their begin and finish.

-- The opaque WebAuthn user handle of an account (a random UUID, never the user id or the
-- email: WebAuthn L2 §14.6.1), made on its first passkey registration. A discoverable sign-in
-- returns it with the assertion, and it must match the account of the credential used.
CREATE TABLE passkey_users (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle  TEXT    NOT NULL UNIQUE
);

-- One registered passkey.
CREATE TABLE passkeys (
    -- The API's id (a UUID): the credential id is the authenticator's, and long.
    id            TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The credential id (base64url), unique across all accounts: a credential registered to
    -- one account can never sign in to another (WebAuthn L2 §7.1 step 22).
    credential_id TEXT    NOT NULL UNIQUE,
    -- The owner's name for it ("Laptop", "Phone").
    name          TEXT    NOT NULL,
    -- webauthn-rs's `Passkey` as JSON: the public key, its algorithm and the flags seen at
    -- registration. A public key, no secret.
    credential    TEXT    NOT NULL,
    -- The authenticator's signature counter at its last sign-in (WebAuthn L2 §6.1.1): a later
    -- assertion must carry a greater one (unless the authenticator keeps none, always 0), so
    -- a replayed or cloned assertion is refused. Kept here as well as in `credential` so
    -- the check and the update are one conditional statement.
    sign_count    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    -- NULL until it first signs in.
    last_used_at  INTEGER
);

CREATE INDEX passkeys_by_user ON passkeys (user_id, created_at);

-- A registration or sign-in between its begin and its finish. The state (webauthn-rs's, with
-- the challenge) lives here rather than in one instance's memory, so any instance finishes what
-- another began. A ceremony is deleted by the finish that takes it, right or wrong, so each
-- challenge is answered at most once; unused ones expire after a few minutes.
CREATE TABLE webauthn_ceremonies (
    -- The challenge_id the client holds (a UUID).
    id         TEXT    PRIMARY KEY,
    -- 'register' or 'sign_in': a finish takes only its own kind.
    kind       TEXT    NOT NULL,
    -- The account registering; NULL for a sign-in, whose account the passkey names.
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Unused ceremonies are deleted with dead sessions.
CREATE INDEX webauthn_ceremonies_by_expiry ON webauthn_ceremonies (expires_at);
