// The per-file test database: dropping it never hangs silently when a connection is still busy.
import { inject, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase } from "../src/testing";
import "../src/testing/global-setup";

it("drop() names the connection still running a query instead of waiting for it forever, and still drops the database", async () => {
  const server = inject("testDatabase");
  const database = await createTestDatabase(server, { reportStuckDisconnectAfterMs: 1_000 });
  const seller = await database.prisma.seller.create({ data: { name: "ИП Замок" } });
  // Another session locks the row, so the write below stays in flight for as long as that lasts.
  const locker = new pg.Client({ connectionString: database.url, application_name: "row-locker" });
  await locker.connect();
  locker.on("error", () => {}); // the forced drop ends this session; that is expected here
  await locker.query("BEGIN");
  await locker.query(`SELECT 1 FROM "Seller" WHERE id = $1 FOR UPDATE`, [seller.id]);
  const write = database.prisma.seller.updateMany({ where: { id: seller.id }, data: { name: "ИП Замок 2" } });
  const writeOutcome = write.then(
    () => "written",
    () => "failed",
  );
  await waitForLockWait(server.adminUrl);

  await expect(database.drop()).rejects.toThrow(/had not finished after 1 s.*\bactive\b.*UPDATE "public"\."Seller"/s);
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  const left = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [new URL(database.url).pathname.slice(1)]);
  await admin.end();
  expect(left.rowCount).toBe(0);
  expect(await writeOutcome).toBe("failed");
  await locker.end().catch(() => {}); // already terminated by the drop
});

async function waitForLockWait(adminUrl: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (;;) {
      const { rowCount } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%'");
      if (rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await admin.end();
  }
}
