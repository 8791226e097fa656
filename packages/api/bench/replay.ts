// The statements of a service call, captured from Prisma's query events and replayed directly with
// `pg`, sent the way the app sends them: the baseline of every "HTTP vs direct SQL" figure.
import type pg from "pg";
import { NothingMeasuredError } from "./sync";

export interface CapturedStatement {
  sql: string;
  params: unknown[];
}

/**
 * How the app sends a call's statements: one after another (in one transaction when they set planner
 * settings with SET LOCAL), or, for an inbox page whose plan the app already knows (its steady state,
 * services/inbox-list.ts), the counter rows' read and the page's rows together in one write.
 */
export type SendMode = "one-by-one" | "together";

/** A call replaying `statements` on `pool`, which must be pipelined (`pipeline: true`) for "together". */
export function replayer(pool: pg.Pool, statements: CapturedStatement[], mode: SendMode): () => Promise<void> {
  const transaction = statements.some((statement) => /^SET LOCAL/i.test(statement.sql));
  return async () => {
    const client = await pool.connect();
    try {
      if (mode === "together") {
        // As readTogether in @inbox/db: the queries queued in one turn, written at once.
        const stream = (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
        stream.cork();
        const answers = statements.map((statement) => client.query(statement.sql, statement.params));
        process.nextTick(() => stream.uncork());
        await Promise.all(answers);
        return;
      }
      if (transaction) await client.query("BEGIN");
      for (const statement of statements) await client.query(statement.sql, statement.params);
      if (transaction) await client.query("COMMIT");
    } finally {
      client.release();
    }
  };
}

/**
 * An inbox page's statements as the app sends them once it knows the page's plan: `capture` runs the
 * call twice, and the second run must send the statements of the first (the plan reused), which the
 * app then writes together.
 */
export async function capturePage(capture: () => Promise<CapturedStatement[]>, name: string): Promise<CapturedStatement[]> {
  const first = await capture();
  const second = await capture();
  if (JSON.stringify(first) !== JSON.stringify(second) || second.length !== 2) {
    throw new NothingMeasuredError(`${name}: a second call sent ${second.length} statements, not the first call's ${first.length} again`);
  }
  return second;
}
