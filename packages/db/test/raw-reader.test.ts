// The hot read paths send their raw statements straight to the pool (rawReader): the answers must be
// Prisma's own, to the millisecond and whatever the process's time zone.
import { afterEach, describe, expect, it } from "vitest";
import { Prisma, queryRawWithSettings, rawReader } from "../src";
import { useTestDatabase } from "../src/testing/use-test-database";

const database = useTestDatabase();
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
