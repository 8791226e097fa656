// The audit log through the router: changes are recorded with actor, time and address; owners (and
// only owners of that seller) read it, newest first and paged; members' sign-ins are in it.
import type { PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { JobQueue } from "../src/jobs/queues";
import { createCaller, createTRPCContext } from "../src/index";
import { recordAudit, requestInfoFromHeaders } from "../src/services/audit";
import { RecordingJobQueue } from "./support/recording-job-queue";
import { addMember, createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();
const noJobs: JobQueue = new RecordingJobQueue();
const REQUEST = { ip: "203.0.113.7", userAgent: "audit-test/1.0" };

function callerFor(prisma: PrismaClient, userId: string) {
  return createCaller(createTRPCContext({ userId, prisma, jobs: noJobs, request: REQUEST }));
}

let world: Awaited<ReturnType<typeof buildWorld>>;
async function buildWorld(prisma: PrismaClient) {
  const [owner, agent, stranger] = await Promise.all(["Olga", "Anton", "Boris"].map((name) => createUser(prisma, name)));
  const a = await createSellerWithItems(prisma, "A", [{}, {}]);
  const b = await createSellerWithItems(prisma, "B", [{}]);
  await addMember(prisma, owner!.id, a.seller.id, "OWNER");
  await addMember(prisma, agent!.id, a.seller.id, "AGENT");
  await addMember(prisma, stranger!.id, b.seller.id, "OWNER");
  return { owner: owner!, agent: agent!, stranger: stranger!, a, b };
}
beforeAll(async () => {
  world = await buildWorld(database().prisma);
});

describe("audit log", () => {
  it("records a queued reply with its author, address and user agent, and the owner reads it", async () => {
    const { prisma } = database();
    const item = world.a.items[0]!;
    const reply = await callerFor(prisma, world.agent.id).inbox.reply({
      sellerId: world.a.seller.id,
      itemId: item.id,
      text: "Спасибо за отзыв, нам очень приятно!",
      idempotencyKey: "audit-reply-0001",
    });
    // The same key again returns the first reply and records nothing new.
    await callerFor(prisma, world.agent.id).inbox.reply({
      sellerId: world.a.seller.id,
      itemId: item.id,
      text: "Спасибо за отзыв, нам очень приятно!",
      idempotencyKey: "audit-reply-0001",
    });
    const { events } = await callerFor(prisma, world.owner.id).audit.list({ sellerId: world.a.seller.id });
    const replies = events.filter((event) => event.action === "reply.queued");
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      actor: { userId: world.agent.id, name: "Anton", tokenId: null },
      target: { type: "item", id: item.id },
      detail: { replyId: reply.id },
      ip: REQUEST.ip,
      userAgent: REQUEST.userAgent,
    });
    expect(Date.now() - replies[0]!.createdAt.getTime()).toBeLessThan(60_000);
  });

  it("records account changes made by the owner", async () => {
    const { prisma } = database();
    const account = world.a.accounts.OZON;
    const owner = callerFor(prisma, world.owner.id);
    await owner.account.setPaused({ sellerId: world.a.seller.id, accountId: account.id, paused: true });
    await owner.account.setPaused({ sellerId: world.a.seller.id, accountId: account.id, paused: false });
    await owner.account.resyncFrom({ sellerId: world.a.seller.id, accountId: account.id, from: new Date("2026-11-01T00:00:00Z") });
    const { events } = await owner.audit.list({ sellerId: world.a.seller.id });
    expect(events.slice(0, 3).map((event) => [event.action, event.target?.id, event.actor.userId])).toEqual([
      ["account.resync_requested", account.id, world.owner.id],
      ["account.resumed", account.id, world.owner.id],
      ["account.paused", account.id, world.owner.id],
    ]);
  });

  it("records template changes with the actor, the template and its name; a refused change records nothing", async () => {
    const { prisma } = database();
    const agent = callerFor(prisma, world.agent.id);
    const sellerId = world.a.seller.id;
    const template = await agent.template.create({ sellerId, name: "Спасибо", text: "Спасибо за отзыв, {buyer}!" });
    await agent.template.update({ sellerId, templateId: template.id, name: "Благодарность", text: "Спасибо!" });
    // Another seller's owner cannot reach it: not found, and no entry in either log.
    await expect(
      callerFor(prisma, world.stranger.id).template.delete({ sellerId: world.b.seller.id, templateId: template.id }),
    ).rejects.toThrow();
    await agent.template.delete({ sellerId, templateId: template.id });
    const { events } = await callerFor(prisma, world.owner.id).audit.list({ sellerId });
    const changes = events.filter((event) => event.action.startsWith("template."));
    expect(changes.map((event) => [event.action, event.target, event.detail, event.actor.userId, event.ip, event.userAgent])).toEqual([
      ["template.deleted", { type: "template", id: template.id }, { name: "Благодарность" }, world.agent.id, REQUEST.ip, REQUEST.userAgent],
      [
        "template.updated",
        { type: "template", id: template.id },
        { name: "Благодарность", previousName: "Спасибо" },
        world.agent.id,
        REQUEST.ip,
        REQUEST.userAgent,
      ],
      ["template.created", { type: "template", id: template.id }, { name: "Спасибо" }, world.agent.id, REQUEST.ip, REQUEST.userAgent],
    ]);
    const strangersLog = await callerFor(prisma, world.stranger.id).audit.list({ sellerId: world.b.seller.id });
    expect(strangersLog.events.filter((event) => event.action.startsWith("template."))).toEqual([]);
  });

  it("shows members' sign-ins to their seller's owners, and nobody else's", async () => {
    const { prisma } = database();
    await recordAudit(prisma, { actor: { userId: world.agent.id }, request: REQUEST }, { sellerId: null, action: "auth.sign_in" });
    await recordAudit(prisma, { actor: { userId: world.stranger.id }, request: REQUEST }, { sellerId: null, action: "auth.sign_in" });
    const own = await callerFor(prisma, world.owner.id).audit.list({ sellerId: world.a.seller.id });
    const signIns = own.events.filter((event) => event.action === "auth.sign_in").map((event) => event.actor.userId);
    expect(signIns).toEqual([world.agent.id]);
    const other = await callerFor(prisma, world.stranger.id).audit.list({ sellerId: world.b.seller.id });
    expect(other.events.map((event) => [event.action, event.actor.userId])).toEqual([["auth.sign_in", world.stranger.id]]);
  });

  it("is readable only by owners of the seller: agents are refused, other sellers get not found", async () => {
    const { prisma } = database();
    await expect(callerFor(prisma, world.agent.id).audit.list({ sellerId: world.a.seller.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(callerFor(prisma, world.stranger.id).audit.list({ sellerId: world.a.seller.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("pages newest first without repeats or gaps, and refuses a forged cursor", async () => {
    const { prisma } = database();
    const owner = callerFor(prisma, world.owner.id);
    const all = (await owner.audit.list({ sellerId: world.a.seller.id, limit: 100 })).events.map((event) => event.id);
    expect(all.length).toBeGreaterThanOrEqual(5);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof owner.audit.list>> = await owner.audit.list({ sellerId: world.a.seller.id, limit: 2, cursor });
      paged.push(...page.events.map((event) => event.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    const error = await owner.audit.list({ sellerId: world.a.seller.id, cursor: "not-a-cursor" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
  });
});

describe("request address", () => {
  it("trusts X-Forwarded-For only when told a proxy sets it", () => {
    const headers = new Headers({ "x-forwarded-for": "198.51.100.1, 10.0.0.1", "user-agent": "ua" });
    expect(requestInfoFromHeaders(headers, false)).toEqual({ ip: null, userAgent: "ua" });
    expect(requestInfoFromHeaders(headers, true)).toEqual({ ip: "198.51.100.1", userAgent: "ua" });
  });
});
