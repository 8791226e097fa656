import fs from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../src/testing/use-test-database";

const database = useTestDatabase();

describe("database", () => {
  it("stores and reads Russian text unchanged", async () => {
    const { prisma } = database();
    const user = await prisma.user.create({ data: { email: "anna@example.ru", name: "Анна Ёлкина", passwordHash: "x" } });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("Анна Ёлкина");
  });

  it("rejects a second item with the same external id on the same account and channel", async () => {
    const { prisma } = database();
    const seller = await prisma.seller.create({ data: { name: "ИП Тест" } });
    const account = await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "WILDBERRIES", displayName: "WB", credentialsEncrypted: "v1:x:y:z" },
    });
    const item = {
      sellerId: seller.id,
      accountId: account.id,
      marketplace: "WILDBERRIES" as const,
      channel: "REVIEW" as const,
      externalId: "fb-1",
      text: "Отличный товар",
      upstreamCreatedAt: new Date(),
      lastActivityAt: new Date(),
    };
    await prisma.item.create({ data: item });
    await expect(prisma.item.create({ data: item })).rejects.toThrow(/Unique constraint/);
  });

  it.skipIf(process.env.DATABASE_URL !== undefined)(
    "reaches the embedded server through its Unix socket, and over TCP without it",
    async () => {
      const { url } = database();
      const viaUrl = new URL(url);
      expect(viaUrl.searchParams.get("host")).toMatch(/^\//);
      const tcp = new URL(url);
      tcp.searchParams.delete("host");
      for (const [connectionString, unixSocket] of [
        [url, true],
        [tcp.toString(), false],
      ] as const) {
        const client = new pg.Client({ connectionString });
        await client.connect();
        const { rows } = await client.query<{ unix: boolean }>(`SELECT inet_server_addr() IS NULL AS "unix"`);
        await client.end();
        expect(rows[0]!.unix).toBe(unixSocket);
      }
    },
  );

  it.skipIf(process.env.DATABASE_URL !== undefined || process.platform !== "linux")(
    "keeps the memory a statement freed for the backend's next statement: megabytes needed again take no page faults",
    async () => {
      const client = new pg.Client({ connectionString: database().url });
      await client.connect();
      try {
        const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        // Minor page faults of the backend (field 10 of /proc/<pid>/stat, the 8th after the command
        // name, which ends at the last ")"): memory taken from the kernel afresh.
        const faults = () => {
          const stat = fs.readFileSync(`/proc/${rows[0]!.pid}/stat`, "utf8");
          return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]);
        };
        // About 3 MB of text built and freed; with glibc's default thresholds every run faulted ~2 700 times.
        const statement = "SELECT length(string_agg(md5(i::text), '')) FROM generate_series(1, 100000) AS i";
        await client.query(statement);
        const before = faults();
        for (let run = 0; run < 3; run++) await client.query(statement);
        expect((faults() - before) / 3).toBeLessThan(100);
      } finally {
        await client.end();
      }
    },
  );
});
