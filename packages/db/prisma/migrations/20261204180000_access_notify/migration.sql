-- Membership changes tell the app processes whose access changed (@inbox/api auth/membership-cache.ts):
-- each keeps its callers' memberships between requests and drops a user's on the notification, which
-- PostgreSQL delivers on commit. The payload is the user's id, or `*` for every user's (a seller's
-- name is in each member's list, and a truncate loses every row without row triggers).
CREATE FUNCTION access_notify_user() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP <> ''INSERT'' THEN PERFORM pg_notify(''inbox_access'', OLD."userId")\073 END IF\073
  IF TG_OP <> ''DELETE'' THEN PERFORM pg_notify(''inbox_access'', NEW."userId")\073 END IF\073
  RETURN NULL\073
END\073
';

CREATE FUNCTION access_notify_everyone() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_notify(''inbox_access'', ''*'')\073
  RETURN NULL\073
END\073
';

-- Row triggers: a user's rows are few, and PostgreSQL folds a transaction's identical notifications.
-- Deleting a seller or a user deletes their memberships through the foreign keys, which fires these.
CREATE TRIGGER membership_access_notify AFTER INSERT OR UPDATE OR DELETE ON "Membership"
  FOR EACH ROW EXECUTE FUNCTION access_notify_user();
CREATE TRIGGER membership_access_notify_truncate AFTER TRUNCATE ON "Membership"
  FOR EACH STATEMENT EXECUTE FUNCTION access_notify_everyone();
CREATE TRIGGER seller_access_notify_rename AFTER UPDATE OF "name" ON "Seller"
  FOR EACH STATEMENT EXECUTE FUNCTION access_notify_everyone();
