-- Administration (SPEC "Administration and self-service"): Django's `is_active` and `is_staff`
-- on users, the acting staff member on audit rows, and the indexes the staff's searches use.

-- False once staff disabled the account: it cannot sign in, and its sessions were ended.
ALTER TABLE users ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT TRUE;
-- May use the Admin pages and /api/admin/; read from here on every admin request.
ALTER TABLE users ADD COLUMN is_staff BOOLEAN NOT NULL DEFAULT FALSE;

-- The staff member who did what the row records (administration events); NULL otherwise.
-- An id, not a foreign key: the trail outlives accounts, the acting one's included.
ALTER TABLE auth_events ADD COLUMN actor_id BIGINT;

-- The search is a prefix range compared byte by byte (COLLATE "C"), which the UNIQUE indexes
-- under the database's own collation cannot serve: these can, whatever that collation is.
CREATE INDEX users_by_email_bytes ON users (email COLLATE "C");
CREATE INDEX users_by_username_bytes ON users (username COLLATE "C");
-- The event log is filtered by kind, newest first.
CREATE INDEX auth_events_by_kind ON auth_events (kind, id);
