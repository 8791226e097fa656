// What the launcher may do on a given host: the demo (a published password) only on loopback,
// unless the operator says otherwise in so many words (review finding 2); and what it tells the user
// when it cannot listen there.

export const DEMO_PUBLIC_OVERRIDE = "INBOX_DEMO_ALLOW_PUBLIC_HOST";
const OVERRIDE_VALUE = "i-understand-the-password-is-public";

export function isLoopbackHost(host: string): boolean {
  return ["127.0.0.1", "localhost", "::1"].includes(host);
}

export type DemoDecision = { demo: boolean; warning?: string };

/**
 * Demo sandboxes and data: by default only on the embedded database and a loopback address.
 * INBOX_DEMO=on on a non-loopback address publishes an account whose password is in the README, so
 * it is refused unless INBOX_DEMO_ALLOW_PUBLIC_HOST=i-understand-the-password-is-public is set too,
 * and then announced loudly.
 */
export function decideDemo(env: Readonly<Record<string, string | undefined>>, host: string): DemoDecision {
  const loopback = isLoopbackHost(host);
  if (!env.INBOX_DEMO) return { demo: !env.DATABASE_URL && loopback };
  if (env.INBOX_DEMO !== "on") return { demo: false };
  if (loopback) return { demo: true };
  if (env[DEMO_PUBLIC_OVERRIDE] !== OVERRIDE_VALUE) {
    throw new Error(
      `INBOX_DEMO=on with HOST=${host} would publish the demo account, whose password is in the README, to the network. ` +
        `Bind to 127.0.0.1, or set ${DEMO_PUBLIC_OVERRIDE}=${OVERRIDE_VALUE} if that is really what you want.`,
    );
  }
  return {
    demo: true,
    warning: [
      "!!! ─────────────────────────────────────────────────────────────────────────────",
      `!!! DEMO MODE ON A NETWORK ADDRESS (HOST=${host}), allowed by ${DEMO_PUBLIC_OVERRIDE}.`,
      "!!! Anyone who can reach this address can sign in as the demo user: its password is public.",
      "!!! ─────────────────────────────────────────────────────────────────────────────",
    ].join("\n"),
  };
}

/** What a user reads when the app cannot listen on HOST:PORT, with what to do about it. */
export function listenFailure(error: NodeJS.ErrnoException, port: number, host: string): string {
  const at = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  switch (error.code) {
    case "EADDRINUSE":
      return `Port ${port} is in use on ${host}: is Marketplace Inbox already running (http://${at}), or another program? Stop it, or start on another port: PORT=${port + 1} npm start`;
    case "EACCES":
      return `Port ${port} needs privileges this user does not have: use a port above 1023, e.g. PORT=3000 npm start`;
    case "EADDRNOTAVAIL":
      return `HOST=${host} is not an address of this machine: use 127.0.0.1, or one of the machine's own addresses.`;
    default:
      return `Cannot listen on ${at}: ${error.message}`;
  }
}

/** Server processes by default: one per core, up to this many (each holds a Next.js server's memory). */
export const DEFAULT_MAX_SERVER_PROCESSES = 4;
/**
 * At most, whatever WEB_CONCURRENCY says: each process opens up to 12 database connections (a pool of
 * 10, two LISTEN), and the embedded PostgreSQL allows 200 in all (an external one 100 by default).
 */
export const MAX_SERVER_PROCESSES = 8;

/**
 * How many processes serve HTTP (scripts/server.ts): WEB_CONCURRENCY when set, else one per core up
 * to DEFAULT_MAX_SERVER_PROCESSES. One process of Node.js runs its JavaScript on one core, and on a
 * machine it shares with PostgreSQL that core is also taken by the database half the time.
 */
export function serverProcessCount(env: Readonly<Record<string, string | undefined>>, cores: number): number {
  const raw = env.WEB_CONCURRENCY;
  if (raw === undefined || raw === "") return Math.max(1, Math.min(cores, DEFAULT_MAX_SERVER_PROCESSES));
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > MAX_SERVER_PROCESSES) {
    throw new Error(`WEB_CONCURRENCY must be a whole number of server processes from 1 to ${MAX_SERVER_PROCESSES} (got "${raw}").`);
  }
  return count;
}
