// Team work on items, through the tRPC procedures against a real database and the Wildberries
// sandbox over HTTP: assigning (to members of the item's seller only, by owners and agents), the
// "assigned to me" / "unassigned" filters and their counts, internal notes that never reach the
// marketplace, and the item's history (read, assigned, note, replied, delivered or failed, by whom).
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeSellers } from "../src/services/data-removal";
import { NOTE_MAX_LENGTH } from "../src/services/item-notes";
import { deliverReply } from "../src/sync/deliver-reply";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";
import { deliverUntilSettled } from "./support/replies";
import { RecordingJobQueue } from "./support/recording-job-queue";
import { createWbAccount, syncUntilCaughtUp, WB_CONNECTOR_OPTIONS, WB_TIME_SCALE } from "./support/wildberries";

const database = useTestDatabase();
let sandbox: WildberriesSandbox;
const jobs = new RecordingJobQueue();

interface World {
  sellerId: string;
  itemIds: string[];
  owner: { id: string; name: string };
  agent: { id: string; name: string };
  viewer: { id: string; name: string };
  outsider: { id: string; name: string };
  otherSellerId: string;
}
let w: World;

const rejection = (code: TRPCError["code"], reason?: string) => (error: unknown) =>
  error instanceof TRPCError && error.code === code && (reason === undefined || (error.cause as { reason?: string })?.reason === reason);

/** Every request the sandbox has answered, on both hosts. */
const upstreamCalls = () => sandbox.stats.feedbacks.total + sandbox.stats.chat.total;

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({
    seed: 41,
    feedbacks: 6,
    questions: 2,
    chats: 0,
    timeScale: WB_TIME_SCALE,
    moderation: "instant",
  });
  const { prisma } = database();
  const { seller, account } = await createWbAccount(prisma, sandbox, "Команда");
  await syncUntilCaughtUp(prisma, account.id);
  const [owner, agent, viewer, outsider] = await Promise.all(["Olga", "Artem", "Vera", "Oscar"].map((name) => createUser(prisma, name)));
  await addMember(prisma, owner!.id, seller.id, "OWNER");
  await addMember(prisma, agent!.id, seller.id, "AGENT");
  await addMember(prisma, viewer!.id, seller.id, "VIEWER");
  const other = await createSellerWithItems(prisma, "Чужой", [{}, {}]);
  await addMember(prisma, outsider!.id, other.seller.id, "OWNER");
  const items = await prisma.item.findMany({ where: { sellerId: seller.id, channel: "REVIEW", answered: false }, orderBy: { id: "asc" } });
  expect(items.length).toBeGreaterThanOrEqual(4);
  w = {
    sellerId: seller.id,
    itemIds: items.map((item) => item.id),
    owner: owner!,
    agent: agent!,
    viewer: viewer!,
    outsider: outsider!,
    otherSellerId: other.seller.id,
  };
});
afterAll(() => sandbox.close());

describe("assigning items", () => {
  it("assigns to a colleague and to oneself; the filters, rows and counts follow", async () => {
    const { prisma } = database();
    const owner = callerFor(prisma, w.owner.id, jobs);
    const [first, second] = w.itemIds;
    expect(await owner.item.assign({ sellerId: w.sellerId, itemId: first!, assigneeId: w.agent.id })).toMatchObject({
      changed: true,
      assignee: { id: w.agent.id, name: "Artem" },
    });
    await owner.item.assign({ sellerId: w.sellerId, itemId: second!, assigneeId: w.owner.id });
    // The same again changes nothing and writes no second history entry.
    expect(await owner.item.assign({ sellerId: w.sellerId, itemId: second!, assigneeId: w.owner.id })).toMatchObject({ changed: false });

    const mine = await owner.inbox.list({ sellerId: w.sellerId, assignee: "me" });
    expect(mine.items.map((item) => item.id)).toEqual([second]);
    expect(mine.items[0]!.assignee).toEqual({ id: w.owner.id, name: "Olga" });
    const agentsOwn = await callerFor(prisma, w.agent.id).inbox.listAll({ assignee: "me" });
    expect(agentsOwn.items.map((item) => item.id)).toEqual([first]);
    expect(agentsOwn.items[0]!.assignee).toEqual({ id: w.agent.id, name: "Artem" });

    const all = await prisma.item.count({ where: { sellerId: w.sellerId } });
    const unassigned = await owner.inbox.list({ sellerId: w.sellerId, assignee: "none", limit: 100 });
    expect(unassigned.items).toHaveLength(all - 2);
    expect(unassigned.items.every((item) => item.assignee === null)).toBe(true);
    expect(unassigned.items.map((item) => item.id)).not.toContain(first);

    // Combined with another filter, and the counts beside the filters.
    expect((await owner.inbox.list({ sellerId: w.sellerId, assignee: "me", status: "answered" })).items).toEqual([]);
    const counts = await owner.inbox.counts({ sellerId: w.sellerId });
    expect(counts.assignee).toEqual({ me: { count: 1, more: false }, none: { count: all - 2, more: false } });
    const narrowed = await owner.inbox.counts({ sellerId: w.sellerId, assignee: "me" });
    expect(narrowed.total).toEqual({ count: 1, more: false });
    expect(narrowed.status.unanswered).toEqual({ count: 1, more: false });
    expect(narrowed.exact).toBe(false);

    // Unassigning.
    await owner.item.assign({ sellerId: w.sellerId, itemId: first!, assigneeId: null });
    expect((await callerFor(prisma, w.agent.id).inbox.listAll({ assignee: "me" })).items).toEqual([]);
    expect((await owner.inbox.get({ sellerId: w.sellerId, itemId: second! })).assignee).toEqual({ id: w.owner.id, name: "Olga" });
  });

  it("refuses an assignee who is not a member of the item's seller", async () => {
    const owner = callerFor(database().prisma, w.owner.id);
    await expect(owner.item.assign({ sellerId: w.sellerId, itemId: w.itemIds[2]!, assigneeId: w.outsider.id })).rejects.toSatisfy(
      rejection("BAD_REQUEST", "assignee_not_member"),
    );
    expect((await owner.inbox.get({ sellerId: w.sellerId, itemId: w.itemIds[2]! })).assignee).toBeNull();
  });

  it("is refused to viewers, and another seller's member gets nothing", async () => {
    const { prisma } = database();
    await expect(
      callerFor(prisma, w.viewer.id).item.assign({ sellerId: w.sellerId, itemId: w.itemIds[2]!, assigneeId: w.viewer.id }),
    ).rejects.toSatisfy(rejection("FORBIDDEN"));
    const outsider = callerFor(prisma, w.outsider.id);
    await expect(outsider.item.assign({ sellerId: w.sellerId, itemId: w.itemIds[2]!, assigneeId: w.outsider.id })).rejects.toSatisfy(
      rejection("NOT_FOUND"),
    );
    await expect(outsider.item.members({ sellerId: w.sellerId })).rejects.toSatisfy(rejection("NOT_FOUND"));
    // Its own seller with the other seller's item id: not found either.
    await expect(outsider.item.assign({ sellerId: w.otherSellerId, itemId: w.itemIds[2]!, assigneeId: w.outsider.id })).rejects.toSatisfy(
      rejection("NOT_FOUND", "item_not_found"),
    );
    await expect(
      outsider.item.assignBulk({ selection: { itemRefs: [{ sellerId: w.sellerId, itemId: w.itemIds[2]! }] }, assigneeId: w.outsider.id }),
    ).rejects.toSatisfy(rejection("FORBIDDEN"));
    await expect(
      callerFor(prisma, w.viewer.id).item.assignBulk({
        selection: { itemRefs: [{ sellerId: w.sellerId, itemId: w.itemIds[2]! }] },
        assigneeId: null,
      }),
    ).rejects.toSatisfy(rejection("FORBIDDEN"));
    expect(await prisma.item.findUniqueOrThrow({ where: { id: w.itemIds[2]! } })).toMatchObject({ assigneeId: null });
  });

  it("lists the seller's members to assign to", async () => {
    const members = await callerFor(database().prisma, w.viewer.id).item.members({ sellerId: w.sellerId });
    expect(members.map((member) => member.name)).toEqual(["Artem", "Olga", "Vera"]);
  });

  it("assigns in bulk, reporting items of sellers the assignee does not belong to", async () => {
    const { prisma } = database();
    // The agent also owns the other seller; the colleague (viewer) belongs to the first one only.
    await addMember(prisma, w.agent.id, w.otherSellerId, "OWNER");
    const other = await prisma.item.findFirstOrThrow({ where: { sellerId: w.otherSellerId } });
    const agent = callerFor(prisma, w.agent.id);
    const results = await agent.item.assignBulk({
      selection: {
        itemRefs: [
          { sellerId: w.sellerId, itemId: w.itemIds[2]! },
          { sellerId: w.sellerId, itemId: w.itemIds[3]! },
          { sellerId: w.otherSellerId, itemId: other.id },
          { sellerId: w.otherSellerId, itemId: w.itemIds[0]! },
        ],
      },
      assigneeId: w.viewer.id,
    });
    expect(results).toEqual([
      { sellerId: w.sellerId, itemId: w.itemIds[2], ok: true, error: null, changed: true },
      { sellerId: w.sellerId, itemId: w.itemIds[3], ok: true, error: null, changed: true },
      { sellerId: w.otherSellerId, itemId: other.id, ok: false, error: "assignee_not_member", changed: false },
      { sellerId: w.otherSellerId, itemId: w.itemIds[0], ok: false, error: "not_found", changed: false },
    ]);
    expect(
      (await callerFor(prisma, w.viewer.id).inbox.list({ sellerId: w.sellerId, assignee: "me" })).items.map((item) => item.id).sort(),
    ).toEqual([w.itemIds[2], w.itemIds[3]].sort());
    // "All matching this filter": the viewer's items, unassigned in one go.
    const cleared = await agent.item.assignBulk({ selection: { filter: { sellerIds: [w.sellerId], assignee: "none" } }, assigneeId: null });
    expect(cleared.every((result) => result.ok && !result.changed)).toBe(true);
    const history = await prisma.itemEvent.findMany({ where: { itemId: w.itemIds[2]!, kind: "ASSIGNED" } });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ actorId: w.agent.id, assigneeId: w.viewer.id });
  });

  it("unassigns a member's items when they leave the seller", async () => {
    const { prisma } = database();
    await prisma.membership.delete({ where: { userId_sellerId: { userId: w.viewer.id, sellerId: w.sellerId } } });
    expect(await prisma.item.count({ where: { sellerId: w.sellerId, assigneeId: w.viewer.id } })).toBe(0);
    await addMember(prisma, w.viewer.id, w.sellerId, "VIEWER");
  });
});

describe("internal notes", () => {
  it("are kept for the seller's members, never reach the marketplace, and leave the item's state alone", async () => {
    const { prisma } = database();
    const itemId = w.itemIds[1]!;
    const before = await prisma.item.findUniqueOrThrow({ where: { id: itemId } });
    const calls = upstreamCalls();
    jobs.clear();
    const note = await callerFor(prisma, w.agent.id, jobs).item.addNote({ sellerId: w.sellerId, itemId, text: "  Позвонить покупателю  " });
    expect(note).toMatchObject({ text: "Позвонить покупателю", author: { id: w.agent.id, name: "Artem" } });
    expect(upstreamCalls(), "the sandbox saw a call").toBe(calls);
    expect(jobs.jobs).toEqual([]);
    expect(await prisma.reply.count({ where: { itemId } })).toBe(0);
    const after = await prisma.item.findUniqueOrThrow({ where: { id: itemId } });
    expect({ answered: after.answered, read: after.read, answerText: after.answerText, replyState: after.replyState }).toEqual({
      answered: before.answered,
      read: before.read,
      answerText: before.answerText,
      replyState: before.replyState,
    });
    // A viewer reads them.
    expect(await callerFor(prisma, w.viewer.id).item.notes({ sellerId: w.sellerId, itemId })).toEqual([note]);
  });

  it("are refused empty, too long, to viewers and to other sellers' members", async () => {
    const { prisma } = database();
    const itemId = w.itemIds[1]!;
    const agent = callerFor(prisma, w.agent.id);
    await expect(agent.item.addNote({ sellerId: w.sellerId, itemId, text: "   " })).rejects.toSatisfy(
      rejection("BAD_REQUEST", "note_empty"),
    );
    await expect(agent.item.addNote({ sellerId: w.sellerId, itemId, text: "я".repeat(NOTE_MAX_LENGTH + 1) })).rejects.toSatisfy(
      rejection("BAD_REQUEST", "note_too_long"),
    );
    expect((await agent.item.addNote({ sellerId: w.sellerId, itemId, text: "я".repeat(NOTE_MAX_LENGTH) })).text).toHaveLength(
      NOTE_MAX_LENGTH,
    );
    await expect(callerFor(prisma, w.viewer.id).item.addNote({ sellerId: w.sellerId, itemId, text: "Нет" })).rejects.toSatisfy(
      rejection("FORBIDDEN"),
    );
    const outsider = callerFor(prisma, w.outsider.id);
    await expect(outsider.item.addNote({ sellerId: w.sellerId, itemId, text: "Нет" })).rejects.toSatisfy(rejection("NOT_FOUND"));
    await expect(outsider.item.notes({ sellerId: w.sellerId, itemId })).rejects.toSatisfy(rejection("NOT_FOUND"));
    await expect(outsider.item.history({ sellerId: w.sellerId, itemId })).rejects.toSatisfy(rejection("NOT_FOUND"));
    await expect(outsider.item.notes({ sellerId: w.otherSellerId, itemId })).rejects.toSatisfy(rejection("NOT_FOUND", "item_not_found"));
    await expect(outsider.item.history({ sellerId: w.otherSellerId, itemId })).rejects.toSatisfy(rejection("NOT_FOUND", "item_not_found"));
    expect(await prisma.itemNote.count({ where: { itemId } })).toBe(2);
  });
});

describe("the item's history", () => {
  it("shows arrival, read, assignment, note, reply and delivery with who did each, oldest first", async () => {
    const { prisma } = database();
    const untouched = await prisma.item.findFirstOrThrow({
      where: { sellerId: w.sellerId, channel: { not: "CHAT" }, answered: false, replies: { none: {} }, events: { none: {} } },
    });
    const itemId = untouched.id;
    await prisma.item.update({ where: { id: itemId }, data: { read: false } });
    const agent = callerFor(prisma, w.agent.id, jobs);
    await agent.inbox.markRead({ sellerId: w.sellerId, itemId, read: true });
    await agent.inbox.markRead({ sellerId: w.sellerId, itemId, read: true }); // no change, no entry
    await callerFor(prisma, w.owner.id).item.assign({ sellerId: w.sellerId, itemId, assigneeId: w.agent.id });
    await agent.item.addNote({ sellerId: w.sellerId, itemId, text: "Уточнить размер" });
    const reply = await agent.inbox.reply({ sellerId: w.sellerId, itemId, text: "Спасибо за отзыв!", idempotencyKey: "history-reply-1" });
    await deliverUntilSettled(prisma, [reply.id], WB_CONNECTOR_OPTIONS);

    const { entries, truncated } = await callerFor(prisma, w.viewer.id).item.history({ sellerId: w.sellerId, itemId });
    expect(truncated).toBe(false);
    expect(entries.map((entry) => entry.kind)).toEqual(["arrived", "read", "assigned", "note_added", "replied", "delivered"]);
    const [arrived, read, assigned, noted, replied, delivered] = entries as Array<Record<string, unknown>>;
    const item = await prisma.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(arrived).toMatchObject({ at: item.upstreamCreatedAt, receivedAt: item.createdAt });
    expect(read).toMatchObject({ actor: { name: "Artem" }, read: true });
    expect(assigned).toMatchObject({ actor: { name: "Olga" }, assignee: { name: "Artem" } });
    expect(noted).toMatchObject({ actor: { name: "Artem" } });
    expect(replied).toMatchObject({ actor: { name: "Artem" }, replyId: reply.id });
    expect(delivered).toMatchObject({ actor: { name: "Artem" }, replyId: reply.id });
  });

  it("records bulk reads by whom, and a failed delivery with its reason", async () => {
    const { prisma } = database();
    const broken = await createSellerWithItems(prisma, "Сломанный", [{}]);
    await addMember(prisma, w.agent.id, broken.seller.id, "AGENT");
    const agent = callerFor(prisma, w.agent.id, jobs);
    const itemId = broken.items[0]!.id;
    await agent.inbox.setReadBulk({ selection: { itemRefs: [{ sellerId: broken.seller.id, itemId }] }, read: true });
    // The fixture's credentials cannot be opened: the delivery fails for good, with a reason.
    const reply = await agent.inbox.reply({ sellerId: broken.seller.id, itemId, text: "Спасибо!", idempotencyKey: "history-fail-1" });
    expect(await deliverReply({ prisma, replyId: reply.id })).toMatchObject({ status: "failed" });
    const { entries } = await agent.item.history({ sellerId: broken.seller.id, itemId });
    expect(entries.map((entry) => entry.kind)).toEqual(["arrived", "read", "replied", "failed"]);
    expect(entries[1]).toMatchObject({ actor: { name: "Artem" } });
    expect(entries[3]).toMatchObject({ actor: { name: "Artem" }, reason: expect.stringContaining("credentials") });
  });

  it("goes with its item when the seller is removed", async () => {
    const { prisma } = database();
    const doomed = await createSellerWithItems(prisma, "Удаляемый", [{}]);
    await addMember(prisma, w.agent.id, doomed.seller.id, "AGENT");
    const agent = callerFor(prisma, w.agent.id);
    const itemId = doomed.items[0]!.id;
    await agent.item.assign({ sellerId: doomed.seller.id, itemId, assigneeId: w.agent.id });
    await agent.item.addNote({ sellerId: doomed.seller.id, itemId, text: "Заметка" });
    await removeSellers(prisma, [doomed.seller.id]);
    expect(await prisma.itemNote.count({ where: { itemId } })).toBe(0);
    expect(await prisma.itemEvent.count({ where: { itemId } })).toBe(0);
  });
});
