// The hot read paths send their raw statements straight to the pool (rawReader): the answers must be
// Prisma's own, to the millisecond and whatever the process's time zone.
import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Prisma, queryRawWithSettings, rawReader, rawTransaction, readTogether, type RawTransaction } from "../src";
import { useTestDatabase } from "../src/testing/use-test-database";

const database = useTestDatabase();

/** How many socket writes `work` makes (node's net.Socket `_write` and `_writev`). */
async function socketWrites(work: () => Promise<unknown>): Promise<number> {
  const writev = vi.spyOn(net.Socket.prototype as unknown as { _writev: () => void }, "_writev");
  const write = vi.spyOn(net.Socket.prototype as unknown as { _write: () => void }, "_write");
  try {
    await work();
    return writev.mock.calls.length + write.mock.calls.length;
  } finally {
    writev.mockRestore();
    write.mockRestore();
  }
}
const zone = process.env.TZ;

afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe("rawReader", () => {
  it("reads a pool client's statements as Prisma's $queryRaw does, in a process east of UTC", async () => {
    const { prisma } = database();
    process.env.TZ = "Asia/Vladivostok";
    const at = new Date("2026-11-30T23:59:58.123Z");
    const statement = Prisma.sql`SELECT ${at}::timestamp(3) AS "at", ${[at, new Date(0)]}::timestamp(3)[] AS "ats",
      ("at" < ${at}::timestamp(3)) AS "earlier", 9007199254740993::bigint AS "big", 7::int AS "small", 'ÑÖ ёлка' AS "text",
      '{"a":[1,2]}'::jsonb AS "json", NULL::text AS "nothing", ARRAY['x','y'] AS "list"
      FROM (SELECT ${at}::timestamp(3) - interval '1 millisecond' AS "at") AS earlier_row`;
    const reader = rawReader(prisma);
    expect(reader).not.toBe(prisma);
    const [viaPool] = await reader.$queryRaw<Record<string, unknown>[]>(statement);
    const [viaPrisma] = await prisma.$queryRaw<Record<string, unknown>[]>(statement);
    expect(viaPool).toEqual(viaPrisma);
    expect(viaPool).toMatchObject({ at, earlier: true, big: 9007199254740993n, small: 7, text: "ÑÖ ёлка", json: { a: [1, 2] } });
  });

  it("parses timestamps with the intrinsic Date after something replaces the global one (Next.js does)", async () => {
    const { prisma } = database();
    const intrinsic = Date;
    let wrapped = 0;
    // As Next.js's node-environment-extensions/date.js: a constructor that counts and forwards.
    const Replaced = function (...args: unknown[]) {
      wrapped += 1;
      return Reflect.construct(intrinsic, args, new.target ?? intrinsic);
    } as unknown as DateConstructor;
    Object.defineProperties(Replaced, Object.getOwnPropertyDescriptors(intrinsic));
    globalThis.Date = Replaced;
    try {
      const [row] = await rawReader(prisma).$queryRaw<Array<{ at: Date }>>(
        Prisma.sql`SELECT '2026-12-05 10:00:00.5'::timestamp(3) AS "at"`,
      );
      expect(row!.at).toBeInstanceOf(intrinsic);
      expect(row!.at.toISOString()).toBe("2026-12-05T10:00:00.500Z");
      expect(wrapped).toBe(0);
    } finally {
      globalThis.Date = intrinsic;
    }
  });

  it("leaves a transaction's statements in the transaction", async () => {
    const { prisma } = database();
    await prisma.$transaction(async (tx) => {
      expect(rawReader(tx)).toBe(tx);
      await tx.$executeRaw`SET LOCAL application_name = 'raw-reader-test'`;
      const [row] = await rawReader(tx).$queryRaw<{ name: string }[]>(Prisma.sql`SELECT current_setting('application_name') AS "name"`);
      expect(row!.name).toBe("raw-reader-test");
    });
  });

  it("applies planner settings to one statement only, on the pool or through Prisma, and leaves no transaction open after an error", async () => {
    const { prisma } = database();
    const seqscan = Prisma.sql`SELECT current_setting('enable_seqscan') AS "value"`;
    // An extended client is not createPrismaClient's own: it takes the Prisma batch transaction path.
    const throughPrisma = prisma.$extends({}) as unknown as typeof prisma;
    for (const client of [prisma, throughPrisma]) {
      const [inside] = await queryRawWithSettings<{ value: string }[]>(client, { enable_seqscan: "off" }, seqscan);
      expect(inside!.value).toBe("off");
      await expect(queryRawWithSettings(client, { enable_seqscan: "off" }, Prisma.sql`SELECT 1 / 0`)).rejects.toThrow(/division by zero/);
    }
    // Every pooled connection is back at the default, outside any transaction.
    const reader = rawReader(prisma);
    const rows = await Promise.all(
      Array.from({ length: 12 }, () =>
        reader.$queryRaw<{ value: string; open: boolean }[]>(
          Prisma.sql`SELECT current_setting('enable_seqscan') AS "value", now() <> statement_timestamp() AS "open"`,
        ),
      ),
    );
    expect(rows.flat()).toEqual(Array.from({ length: 12 }, () => ({ value: "on", open: false })));
    await expect(queryRawWithSettings(prisma, { "enable_seqscan; DROP TABLE x": "off" }, seqscan)).rejects.toThrow(/Not a setting/);
  });

  it("applies integer settings, and refuses values that are not whole numbers before sending anything", async () => {
    const { prisma } = database();
    const limit = Prisma.sql`SELECT current_setting('gin_fuzzy_search_limit') AS "value"`;
    const [inside] = await queryRawWithSettings<{ value: string }[]>(prisma, { gin_fuzzy_search_limit: 5000 }, limit);
    expect(inside!.value).toBe("5000");
    for (const value of [-1, 1.5, Number.NaN]) {
      await expect(queryRawWithSettings(prisma, { gin_fuzzy_search_limit: value }, limit)).rejects.toThrow(
        /Not a value for gin_fuzzy_search_limit/,
      );
    }
    const [after] = await rawReader(prisma).$queryRaw<{ value: string }[]>(limit);
    expect(after!.value).toBe("0");
  });
});

describe("readTogether", () => {
  it("writes independent reads at once and answers each as alone, a failing one failing alone, on the pool and through Prisma", async () => {
    const { prisma } = database();
    const at = new Date("2026-12-06T07:00:00.123Z");
    const statements = [
      Prisma.sql`SELECT ${at}::timestamp(3) AS "at", 9007199254740993::bigint AS "big"`,
      Prisma.sql`SELECT 1 / ${0}::int AS "broken"`,
      Prisma.sql`SELECT ${["a", null]}::text[] AS "list", 'ёлка' AS "text"`,
    ];
    const alone = await Promise.all([prisma.$queryRaw(statements[0]!), prisma.$queryRaw(statements[2]!)]);
    // Warm: the pool's connection is open before writes are counted.
    await rawReader(prisma).$queryRaw(Prisma.sql`SELECT 1`);
    let answers: Array<Promise<unknown>> = [];
    const writes = await socketWrites(() => Promise.allSettled((answers = readTogether(prisma, statements))));
    expect(writes).toBe(1);
    for (const client of [prisma, prisma.$extends({}) as unknown as typeof prisma]) {
      const [first, second, third] = client === prisma ? answers : readTogether(client, statements);
      expect(await first).toEqual(alone[0]);
      await expect(second).rejects.toThrow(/division by zero/);
      expect(await third).toEqual(alone[1]);
    }
    // The connection went back to the pool, outside any transaction.
    const open = await Promise.all(
      Array.from({ length: 12 }, () =>
        rawReader(prisma).$queryRaw<{ open: boolean }[]>(Prisma.sql`SELECT now() <> statement_timestamp() AS "open"`),
      ),
    );
    expect(open.flat().every((row) => !row.open)).toBe(true);
  });
});

describe("rawTransaction", () => {
  // What ingest sends: text arrays with quotes, backslashes, braces, commas and NULLs, nullable int
  // arrays, booleans, JSON as text for jsonb[], UTC ISO strings for timestamp(3)[].
  const texts = ['he said "hi"', "back\\slash", "{braces}, commas", null, "ёлка"];
  const work = async (tx: RawTransaction) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO raw_tx_probe ("id", "note", "rating", "flag", "doc", "at")
      SELECT * FROM unnest(${[1, 2, 3, 4, 5]}::int[], ${texts}::text[], ${[5, null, 1, null, 3]}::int[],
        ${[true, false, true, false, true]}::boolean[], ${['{"a":[1,"x"]}', null, "[]", null, '{"b":null}']}::jsonb[],
        ${["2026-12-05T01:02:03.456Z", "1970-01-01T00:00:00.000Z", "2026-12-05T01:02:03.456Z", "2026-12-05T01:02:03.456Z", "2026-12-05T01:02:03.456Z"]}::timestamp(3)[])`;
    const updated = await tx.$executeRaw(Prisma.sql`UPDATE raw_tx_probe SET "flag" = NOT "flag" WHERE "id" > ${3}`);
    const rows = await tx.$queryRaw<Record<string, unknown>[]>`
      SELECT *, txid_current() AS "tx", (xmax = 0) AS "fresh" FROM raw_tx_probe ORDER BY "id"`;
    return { inserted, updated, rows };
  };

  it("runs its statements in one transaction and answers as Prisma's interactive transaction does", async () => {
    const { prisma } = database();
    await prisma.$executeRawUnsafe(
      `CREATE TABLE raw_tx_probe ("id" int PRIMARY KEY, "note" text, "rating" int, "flag" boolean, "doc" jsonb, "at" timestamp(3))`,
    );
    const viaPool = await rawTransaction(prisma, work);
    await prisma.$executeRawUnsafe("TRUNCATE raw_tx_probe");
    // An extended client is not createPrismaClient's own: the work runs in Prisma's own transaction.
    const viaPrisma = await rawTransaction(prisma.$extends({}) as unknown as typeof prisma, work);
    expect(viaPool.inserted).toBe(5);
    expect(viaPool.updated).toBe(2);
    expect(new Set(viaPool.rows.map((row) => row.tx)).size).toBe(1);
    expect(viaPool.rows.map((row) => row.note)).toEqual(texts);
    expect(viaPool.rows[0]).toMatchObject({ rating: 5, flag: true, doc: { a: [1, "x"] }, at: new Date("2026-12-05T01:02:03.456Z") });
    const withoutTx = (result: typeof viaPool) => result.rows.map(({ tx: _tx, ...row }) => row);
    expect(withoutTx(viaPool)).toEqual(withoutTx(viaPrisma));
    expect({ ...viaPool, rows: undefined }).toEqual({ ...viaPrisma, rows: undefined });
  });

  it("gives its settings to its own transaction alone, on the pool and through Prisma", async () => {
    const { prisma } = database();
    const setting = (client: Pick<typeof prisma, "$queryRaw">) =>
      rawReader(client).$queryRaw<{ value: string }[]>(Prisma.sql`SELECT current_setting('synchronous_commit') AS "value"`);
    for (const client of [prisma, prisma.$extends({}) as unknown as typeof prisma]) {
      const inside = await rawTransaction(
        client,
        (tx) => tx.$queryRaw<{ value: string }[]>`SELECT current_setting('synchronous_commit') AS "value"`,
        {
          synchronous_commit: "off",
        },
      );
      expect(inside).toEqual([{ value: "off" }]);
      // Every pooled connection afterwards, the one the transaction ran on among them, has the default.
      const after = await Promise.all(Array.from({ length: 12 }, () => setting(client)));
      expect(after.flat().every((row) => row.value === "on")).toBe(true);
    }
    await expect(rawTransaction(prisma, async () => undefined, { "synchronous_commit; DROP": "off" })).rejects.toThrow(/Not a setting/);
  });

  it("keeps nothing of a failed transaction and lends its connection again outside any transaction", async () => {
    const { prisma } = database();
    await prisma.$executeRawUnsafe(`CREATE TABLE raw_tx_failed ("id" int PRIMARY KEY)`);
    await expect(
      rawTransaction(prisma, async (tx) => {
        await tx.$executeRaw`INSERT INTO raw_tx_failed VALUES (1), (2)`;
        await tx.$executeRaw`INSERT INTO raw_tx_failed VALUES (2)`;
      }),
    ).rejects.toThrow(/duplicate key/);
    await expect(
      rawTransaction(prisma, async (tx) => {
        await tx.$executeRaw`INSERT INTO raw_tx_failed VALUES (3)`;
        throw new Error("the work failed after writing");
      }),
    ).rejects.toThrow("the work failed after writing");
    expect(await prisma.$queryRaw`SELECT count(*)::int AS "rows" FROM raw_tx_failed`).toEqual([{ rows: 0 }]);
    const open = await Promise.all(
      Array.from({ length: 12 }, () =>
        rawReader(prisma).$queryRaw<{ open: boolean }[]>(Prisma.sql`SELECT now() <> statement_timestamp() AS "open"`),
      ),
    );
    expect(open.flat().every((row) => !row.open)).toBe(true);
  });

  it("runs and awaits, in the order sent, the statements the work did not await, on the pool and through Prisma", async () => {
    const { prisma } = database();
    await prisma.$executeRawUnsafe(`CREATE TABLE raw_tx_unawaited ("id" int PRIMARY KEY, "after" int[])`);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      for (const client of [prisma, prisma.$extends({}) as unknown as typeof prisma]) {
        await prisma.$executeRawUnsafe("TRUNCATE raw_tx_unawaited");
        await rawTransaction(client, async (tx) => {
          void tx.$executeRaw`INSERT INTO raw_tx_unawaited VALUES (1, '{}')`;
          void tx.$executeRaw`INSERT INTO raw_tx_unawaited SELECT 2, array_agg("id") FROM raw_tx_unawaited`;
        });
        expect(await prisma.$queryRaw`SELECT "id", "after" FROM raw_tx_unawaited ORDER BY "id"`).toEqual([
          { id: 1, after: [] },
          { id: 2, after: [1] },
        ]);

        // One of them fails: the transaction fails with its error, nothing is kept.
        await expect(
          rawTransaction(client, async (tx) => {
            void tx.$executeRaw`INSERT INTO raw_tx_unawaited VALUES (3, '{}')`;
            void tx.$executeRaw`INSERT INTO raw_tx_unawaited VALUES (1, '{}')`;
            void tx.$executeRaw`INSERT INTO raw_tx_unawaited VALUES (4, '{}')`;
          }),
        ).rejects.toThrow(/duplicate key/);
        expect(await prisma.$queryRaw`SELECT count(*)::int AS "rows" FROM raw_tx_unawaited`).toEqual([{ rows: 2 }]);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("writes the statements sent in one turn to the socket at once: BEGIN with the first ones, COMMIT with the last", async () => {
    const { prisma } = database();
    await prisma.$executeRawUnsafe(`CREATE TABLE raw_tx_batched ("id" int PRIMARY KEY)`);
    // Warm: the pool's connection is open before writes are counted.
    await rawTransaction(prisma, async (tx) => void (await tx.$queryRaw`SELECT 1`));
    const writes = await socketWrites(() =>
      rawTransaction(prisma, async (tx) => {
        void tx.$executeRaw`INSERT INTO raw_tx_batched VALUES (1)`;
        await tx.$executeRaw`INSERT INTO raw_tx_batched VALUES (2)`;
        void tx.$executeRaw`INSERT INTO raw_tx_batched VALUES (3)`;
      }),
    );
    // Five statements (BEGIN, three INSERTs, COMMIT) in two writes, one per turn of the work.
    expect(writes).toBe(2);
    expect(await prisma.$queryRaw`SELECT count(*)::int AS "rows" FROM raw_tx_batched`).toEqual([{ rows: 3 }]);
  });
});
