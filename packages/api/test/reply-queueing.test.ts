// What the reply procedures hand to the job queue: a stored PENDING reply is queued for delivery,
// a refused one queues nothing, a retried FAILED reply is queued again.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";
import { RecordingJobQueue } from "./support/recording-job-queue";

const database = useTestDatabase();
const jobs = new RecordingJobQueue();
let sellerId: string;
let itemIds: string[];
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  const { prisma } = database();
  const agent = await createUser(prisma, "Agent");
  const world = await createSellerWithItems(prisma, "Queued", [{}, {}, {}]);
  await addMember(prisma, agent.id, world.seller.id, "AGENT");
  sellerId = world.seller.id;
  itemIds = world.items.map((item) => item.id);
  caller = callerFor(prisma, agent.id, jobs);
});

beforeEach(() => jobs.clear());

describe("reply delivery jobs", () => {
  it("queues the delivery of a new reply, with no delay", async () => {
    const reply = await caller.inbox.reply({ sellerId, itemId: itemIds[0]!, text: "Спасибо за отзыв!", idempotencyKey: "queue-key-0001" });
    expect(reply.status).toBe("PENDING");
    expect(jobs.jobs).toEqual([{ kind: "reply", replyId: reply.id }]);
  });

  it("queues nothing for a reply the validation refuses", async () => {
    await expect(caller.inbox.reply({ sellerId, itemId: itemIds[1]!, text: "   ", idempotencyKey: "queue-key-0002" })).rejects.toThrow();
    expect(jobs.jobs).toEqual([]);
    expect(await database().prisma.reply.count({ where: { itemId: itemIds[1]! } })).toBe(0);
  });

  it("queues a failed reply again when it is retried", async () => {
    const { prisma } = database();
    const reply = await caller.inbox.reply({ sellerId, itemId: itemIds[2]!, text: "Ответ продавца", idempotencyKey: "queue-key-0003" });
    await prisma.reply.update({ where: { id: reply.id }, data: { status: "FAILED", error: "upstream refused" } });
    jobs.clear();
    await caller.inbox.retryReply({ sellerId, replyId: reply.id });
    expect(jobs.calls).toEqual([`reply ${reply.id}`]);
  });
});
