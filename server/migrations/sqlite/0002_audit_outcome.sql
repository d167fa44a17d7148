-- The audit trail records failures too (failed sign-ins, refused refreshes, wrong current
-- passwords), so each event says how it ended. Earlier rows were all successes or revocations.
ALTER TABLE auth_events ADD COLUMN outcome TEXT NOT NULL DEFAULT 'success';
