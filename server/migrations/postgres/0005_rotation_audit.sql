-- A rotation's audit row is written by the rotation's own statement: a trigger inserts it in
-- the same transaction, so an answered refresh always has its row (nothing to lose in a crash)
-- and costs no second round trip, nor a wait for a group commit.

-- The client address of the latest rotation, which the trigger copies into the trail.
ALTER TABLE sessions ADD COLUMN last_ip TEXT NOT NULL DEFAULT '';

CREATE FUNCTION audit_session_rotation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO auth_events (at, kind, user_id, session_id, ip, detail, outcome)
    VALUES (NEW.last_used_at, 'refresh', NEW.user_id, NEW.id, NEW.last_ip, '', 'success');
    RETURN NULL;
END
$$;

-- Only a rotation changes refresh_jti (sign-in inserts; revocation sets revoked_at).
CREATE TRIGGER sessions_audit_rotation
    AFTER UPDATE OF refresh_jti ON sessions
    FOR EACH ROW
    EXECUTE FUNCTION audit_session_rotation();
