-- A user's sessions ended (sign out everywhere, a password change) or the user deleted: the app
-- processes drop the session version they keep for that user (@inbox/api auth/membership-cache.ts),
-- so a token issued before is refused by every server process at once, not after a cache expires.
CREATE FUNCTION access_notify_session() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_notify(''inbox_access'', OLD."id")\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER user_access_notify_session AFTER UPDATE OF "sessionVersion" OR DELETE ON "User"
  FOR EACH ROW EXECUTE FUNCTION access_notify_session();
CREATE TRIGGER user_access_notify_truncate AFTER TRUNCATE ON "User"
  FOR EACH STATEMENT EXECUTE FUNCTION access_notify_everyone();
