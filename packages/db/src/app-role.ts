// The embedded database's two roles (security review, finding 5): migrations run as the cluster's
// superuser, which owns the schema; the web app, the workers and the CLIs connect as `inbox_app`, a
// login role with no SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS that may only read and
// write the app's tables. A stolen app connection can then neither read other roles' password hashes
// nor change the server, its roles or the schema.
import pg from "pg";
import PgBoss from "pg-boss";
import { quoteIdent } from "./embedded-postgres";

export const APP_ROLE = "inbox_app";
/** pg-boss keeps its queue in this schema (packages/api/src/jobs/queues.ts). */
export const JOB_SCHEMA = "pgboss";

/**
 * Creates the app role on a fresh cluster or one from an earlier version (idempotent, every start),
 * sets its password and grants exactly what the app needs, connected to the app's database as the
 * migrator. Returns the URL the app uses.
 */
export async function provisionAppRole(ownerUrl: string, password: string): Promise<string> {
  await installJobSchema(ownerUrl);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const role = quoteIdent(APP_ROLE);
  try {
    await client.query("BEGIN");
    // `npm start` and `pnpm worker` may start at once: one provisions, the other waits and re-checks.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('inbox provision app role'))");
    const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`;
    // ALTER on every start also puts back attributes someone may have given the role by hand.
    await client.query(`${rowCount === 0 ? "CREATE" : "ALTER"} ROLE ${role} ${attributes}`);

    const { rows } = await client.query<{ database: string }>("SELECT current_database() AS database");
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(rows[0]!.database)} TO ${role}`);
    // Nobody but the migrator creates objects in public (PostgreSQL 15+ already says so; older
    // clusters did not).
    await client.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    // Migration history is the migrator's business.
    await client.query(`REVOKE ALL ON TABLE public."_prisma_migrations" FROM ${role}`);
    // Tables and sequences that later migrations create are covered as they are created.
    await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`);
    await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role}`);

    // pg-boss adds a partition of its job table per queue at run time (`createQueue`; ATTACH
    // PARTITION needs the table's owner): the app role owns pg-boss's schema and everything in it.
    await transferJobSchema(client);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * pg-boss installs (or migrates, after an upgrade of the package) its schema on start. Its first
 * statement is CREATE SCHEMA, which needs CREATE on the database even when the schema exists, so
 * the migrator does this, and the app role's own start finds the schema current.
 */
async function installJobSchema(ownerUrl: string) {
  const boss = new PgBoss({ connectionString: ownerUrl, schema: JOB_SCHEMA, max: 1, supervise: false, schedule: false });
  boss.on("error", () => {}); // a failure rejects start() below; no listener would end the process
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
}

/** What the migrator (or an earlier version's app, as superuser) created in pg-boss's schema goes to the app role. */
async function transferJobSchema(client: pg.Client) {
  const role = quoteIdent(APP_ROLE);
  await client.query(`ALTER SCHEMA ${quoteIdent(JOB_SCHEMA)} OWNER TO ${role}`);
  const notOwned = (catalog: string, owner: string) => `${catalog} WHERE ${owner} <> (SELECT oid FROM pg_roles WHERE rolname = $2)`;
  // Tables, partitions and views; sequences owned by a column follow their table.
  const relations = await client.query<{ name: string }>(
    `SELECT c.oid::regclass::text AS name FROM ${notOwned("pg_class c", "c.relowner")}
       AND c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
       AND (c.relkind <> 'S' OR NOT EXISTS (
         SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))`,
    [JOB_SCHEMA, APP_ROLE],
  );
  for (const { name } of relations.rows) await client.query(`ALTER TABLE ${name} OWNER TO ${role}`);
  // Enums and domains (a table's row type and array types follow their owner).
  const types = await client.query<{ name: string }>(
    `SELECT t.oid::regtype::text AS name FROM ${notOwned("pg_type t", "t.typowner")}
       AND t.typnamespace = $1::regnamespace AND t.typtype IN ('e', 'd', 'r') AND t.typcategory <> 'A'`,
    [JOB_SCHEMA, APP_ROLE],
  );
  for (const { name } of types.rows) await client.query(`ALTER TYPE ${name} OWNER TO ${role}`);
  const routines = await client.query<{ name: string }>(
    `SELECT p.oid::regprocedure::text AS name FROM ${notOwned("pg_proc p", "p.proowner")} AND p.pronamespace = $1::regnamespace`,
    [JOB_SCHEMA, APP_ROLE],
  );
  for (const { name } of routines.rows) await client.query(`ALTER ROUTINE ${name} OWNER TO ${role}`);
}

/**
 * With an external DATABASE_URL the operator chooses the role: say so when it is a superuser (or may
 * create roles or databases), since then a stolen app connection owns the server.
 */
export async function privilegedRoleWarning(databaseUrl: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; superuser: boolean; createrole: boolean; createdb: boolean }>(
      "SELECT rolname AS name, rolsuper AS superuser, rolcreaterole AS createrole, rolcreatedb AS createdb FROM pg_roles WHERE rolname = current_user",
    );
    const role = rows[0];
    if (!role) return null;
    const powers = [role.superuser && "SUPERUSER", role.createrole && "CREATEROLE", role.createdb && "CREATEDB"].filter(Boolean);
    if (powers.length === 0) return null;
    return (
      `DATABASE_URL connects as "${role.name}", which has ${powers.join(", ")}: anyone who gets hold of the app's connection controls ` +
      "the whole server. Give the app a role that owns (or may only read and write) the app's tables; see docs/security.md."
    );
  } finally {
    await client.end();
  }
}
