// Resync from a date: the re-scan starts at that date (Wildberries lists are windowed by dateFrom),
// re-reads what changed upstream since, and then the account goes back to incremental syncs.
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncAccount } from "../src/sync/sync-account";
import { createWbAccount, WB_CONNECTOR_OPTIONS, WB_TIME_SCALE } from "./support/wildberries";

const database = useTestDatabase();
let sandbox: WildberriesSandbox;

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({ seed: 17, feedbacks: 40, questions: 10, chats: 3, timeScale: WB_TIME_SCALE });
});
afterAll(() => sandbox.close());

describe("resync from date", () => {
  it("re-reads feedbacks from the given date only, and then clears the request", async () => {
    const { prisma } = database();
    const { account } = await createWbAccount(prisma, sandbox);
    await syncAccount({ prisma, accountId: account.id, connectorOptions: WB_CONNECTOR_OPTIONS });

    const feedbacks = [...sandbox.world.feedbacks].sort((a, b) => a.createdMs - b.createdMs);
    const from = new Date(feedbacks[Math.floor(feedbacks.length / 2)]!.createdMs);
    await prisma.syncState.updateMany({ where: { accountId: account.id }, data: { rescanFrom: from, rescanCursor: null } });

    const listed: URL[] = [];
    const result = await syncAccount({
      prisma,
      accountId: account.id,
      connectorOptions: { ...WB_CONNECTOR_OPTIONS, onRequest: (info) => listed.push(new URL(info.url)) },
    });
    expect(result.status === "done" && result.channels.find((channel) => channel.channel === "REVIEW")?.status).toBe("SUCCEEDED");

    const rescanCalls = listed.filter((url) => url.pathname === "/api/v1/feedbacks");
    const firstDateFrom = Number(rescanCalls[0]?.searchParams.get("dateFrom"));
    expect(firstDateFrom).toBe(Math.floor(from.getTime() / 1000));
    const runs = await prisma.syncRun.findMany({ where: { accountId: account.id, channel: "REVIEW" }, orderBy: { startedAt: "asc" } });
    expect(runs.map((run) => run.kind)).toEqual(["incremental", "rescan"]);
    const states = await prisma.syncState.findMany({ where: { accountId: account.id } });
    expect(states.every((state) => state.rescanFrom === null && state.rescanCursor === null && state.lastRescanAt)).toBe(true);
  });
});
