// Automation rules: what a rule matches (preview), who may manage rules, and the workers applying a
// rule to a real Wildberries sandbox: every matching review answered exactly once, across a worker
// restart, and nothing else touched.
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import type { PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterEach, describe, expect, it } from "vitest";
import { startWorkers, type Workers } from "../src/jobs/worker";
import { runAutomation } from "../src/services/automation";
import { readItemHistory } from "../src/services/item-history";
import { fillTemplate, pickVariant, variantCount } from "../src/services/templates";
import { syncAccount } from "../src/sync/sync-account";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";
import { RecordingJobQueue } from "./support/recording-job-queue";
import { createWbAccount } from "./support/wildberries";
import { FAST_CONNECTOR_OPTIONS } from "./sync-fixtures";

const database = useTestDatabase();
const CONNECTOR_OPTIONS = { ...FAST_CONNECTOR_OPTIONS, rateLimit: false as const };

const FIVE_STARS_WITHOUT_TEXT = {
  name: "Пять звёзд без текста",
  marketplaces: [] as string[],
  channels: ["review"],
  ratings: [5],
  textPresence: "WITHOUT_TEXT" as "ANY" | "WITH_TEXT" | "WITHOUT_TEXT",
  product: null as string | null,
  keywords: [] as string[],
  action: "REPLY" as "REPLY" | "MARK_READ",
  delayMinutes: 0,
  dailyCap: null as number | null,
};

async function ownerOf(prisma: PrismaClient, sellerId: string, name = "owner") {
  const user = await createUser(prisma, name);
  await addMember(prisma, user.id, sellerId, "OWNER");
  return user;
}

describe("template variants", () => {
  it("enumerate every combination of the {a|b} groups once, and leave {buyer} variables alone", () => {
    const text = "{Спасибо|Благодарим} за {отзыв|оценку|доверие}, {buyer}!";
    expect(variantCount(text)).toBe(6);
    const all = Array.from({ length: 6 }, (_, index) => pickVariant(text, index));
    expect(new Set(all).size).toBe(6);
    expect(all[0]).toBe("Спасибо за отзыв, {buyer}!");
    expect(fillTemplate(text, { buyer: "Анна", product: null, seller: "Ромашка" }, 5)).toBe("Благодарим за доверие, Анна!");
  });
});

describe("automation rules: access", () => {
  it("another seller's member gets nothing, agents and viewers read rules but cannot change them", async () => {
    const { prisma } = database();
    const { seller } = await createSellerWithItems(prisma, "rules-home", []);
    const { seller: other } = await createSellerWithItems(prisma, "rules-other", []);
    const owner = await ownerOf(prisma, seller.id);
    const stranger = await ownerOf(prisma, other.id, "stranger");
    const agent = await createUser(prisma, "agent");
    await addMember(prisma, agent.id, seller.id, "AGENT");
    const template = await callerFor(prisma, owner.id).template.create({
      sellerId: seller.id,
      name: "Спасибо",
      text: "Спасибо за оценку!",
    });
    const rule = await callerFor(prisma, owner.id).automation.create({
      sellerId: seller.id,
      ...FIVE_STARS_WITHOUT_TEXT,
      templateId: template.id,
    });
    expect(rule.enabled).toBe(false);

    const asStranger = callerFor(prisma, stranger.id).automation;
    await expect(asStranger.list({ sellerId: seller.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asStranger.setEnabled({ sellerId: seller.id, ruleId: rule.id, enabled: true })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    // A rule id of another seller, through the stranger's own seller, is not found either.
    await expect(asStranger.setEnabled({ sellerId: other.id, ruleId: rule.id, enabled: true })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(asStranger.delete({ sellerId: other.id, ruleId: rule.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Nor can a stranger's rule reply with this seller's template.
    await expect(asStranger.create({ sellerId: other.id, ...FIVE_STARS_WITHOUT_TEXT, templateId: template.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    const asAgent = callerFor(prisma, agent.id).automation;
    expect((await asAgent.list({ sellerId: seller.id })).map((listed) => listed.name)).toEqual([FIVE_STARS_WITHOUT_TEXT.name]);
    await expect(asAgent.setEnabled({ sellerId: seller.id, ruleId: rule.id, enabled: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asAgent.create({ sellerId: seller.id, ...FIVE_STARS_WITHOUT_TEXT, templateId: template.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await prisma.automationRule.findUniqueOrThrow({ where: { id: rule.id } })).toMatchObject({ enabled: false });
  });

  it("a reply rule without a template, or one for chats, is refused with a reason", async () => {
    const { prisma } = database();
    const { seller } = await createSellerWithItems(prisma, "rules-invalid", []);
    const owner = await ownerOf(prisma, seller.id);
    const rules = callerFor(prisma, owner.id).automation;
    await expect(rules.create({ sellerId: seller.id, ...FIVE_STARS_WITHOUT_TEXT, templateId: null })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("template"),
    });
    await expect(
      rules.create({ sellerId: seller.id, ...FIVE_STARS_WITHOUT_TEXT, channels: ["chat"], templateId: "x" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("chats"),
    });
    expect(await prisma.automationRule.count({ where: { sellerId: seller.id } })).toBe(0);
  });
});

describe("automation rules: matching", () => {
  it("the preview lists the unanswered items that meet every condition, keywords with Russian morphology", async () => {
    const { prisma } = database();
    const { seller, items } = await createSellerWithItems(prisma, "rules-preview", [
      {},
      {},
      {},
      {},
      { answered: true },
      { channel: "QUESTION" },
    ]);
    const texts = ["Размеры маломерят", "", "Хорошая куртка", "", "", "Какой размер взять?"];
    const ratings = [5, 5, 5, 4, 5, null];
    for (const [index, item] of items.entries()) {
      await prisma.item.update({
        where: { id: item.id },
        data: { text: texts[index]!, rating: ratings[index] ?? null, productName: index === 2 ? "Куртка зимняя" : "Термос" },
      });
    }
    const owner = await ownerOf(prisma, seller.id);
    const preview = (conditions: Partial<typeof FIVE_STARS_WITHOUT_TEXT> & Record<string, unknown>) =>
      callerFor(prisma, owner.id).automation.preview({ sellerId: seller.id, ...FIVE_STARS_WITHOUT_TEXT, ...conditions });

    const withoutText = await preview({});
    expect(withoutText.items.map((item) => item.id)).toEqual([items[1]!.id]);
    expect(withoutText.count).toBe(1);
    // «размер» finds «Размеры» (reviews) and «размер» (a question), not the answered review.
    const sized = await preview({ ratings: [], channels: [], textPresence: "ANY", keywords: ["размер"] });
    expect(sized.items.map((item) => item.id).sort()).toEqual([items[0]!.id, items[5]!.id].sort());
    const jacket = await preview({ textPresence: "WITH_TEXT", product: "куртка" });
    expect(jacket.items.map((item) => item.id)).toEqual([items[2]!.id]);
    // Mark-read rules look at unread items, answered or not.
    const unread = await preview({ action: "MARK_READ", ratings: [5], textPresence: "ANY" });
    expect(unread.count).toBe(4);
  });

  it("a daily cap limits the actions of a day, and a mark-read rule marks each item once", async () => {
    const { prisma } = database();
    const { seller } = await createSellerWithItems(prisma, "rules-cap", [{}, {}, {}, {}, {}]);
    const owner = await ownerOf(prisma, seller.id);
    const rules = callerFor(prisma, owner.id).automation;
    const rule = await rules.create({
      sellerId: seller.id,
      ...FIVE_STARS_WITHOUT_TEXT,
      textPresence: "ANY",
      action: "MARK_READ",
      templateId: null,
      dailyCap: 3,
    });
    await rules.setEnabled({ sellerId: seller.id, ruleId: rule.id, enabled: true });
    const jobs = new RecordingJobQueue();
    const [first] = await runAutomation(prisma, jobs, { sellerId: seller.id });
    expect(first).toMatchObject({ markedRead: 3 });
    expect(await prisma.item.count({ where: { sellerId: seller.id, read: true } })).toBe(3);
    const [second] = await runAutomation(prisma, jobs, { sellerId: seller.id });
    expect(second).toMatchObject({ markedRead: 0 });
    // The next day the cap has room again, and the two items left are marked.
    const tomorrow = new Date(Date.now() + 24 * 3_600_000);
    const [third] = await runAutomation(prisma, jobs, { sellerId: seller.id, now: tomorrow });
    expect(third).toMatchObject({ markedRead: 2 });
    expect(await prisma.automationRun.count({ where: { ruleId: rule.id } })).toBe(5);
    // Wildberries reviews have no mark-read method: nothing is queued upstream.
    expect(jobs.calls.filter((call) => call.startsWith("mark-read"))).toEqual([]);
  });

  it("replies with a different variant per item where the template has them, and waits for the delay", async () => {
    const { prisma } = database();
    const { seller, items } = await createSellerWithItems(prisma, "rules-variants", [
      { hoursAgo: 3 },
      { hoursAgo: 3 },
      { hoursAgo: 3 },
      { hoursAgo: 0 },
    ]);
    await prisma.item.updateMany({ where: { sellerId: seller.id }, data: { text: "" } });
    const owner = await ownerOf(prisma, seller.id);
    const template = await callerFor(prisma, owner.id).template.create({
      sellerId: seller.id,
      name: "Варианты",
      text: "{Спасибо|Благодарим|Большое спасибо} за {высокую оценку|пять звёзд|вашу оценку}! Ждём вас снова в нашем магазине.",
    });
    const rule = await callerFor(prisma, owner.id).automation.create({
      sellerId: seller.id,
      ...FIVE_STARS_WITHOUT_TEXT,
      templateId: template.id,
      delayMinutes: 60,
    });
    await callerFor(prisma, owner.id).automation.setEnabled({ sellerId: seller.id, ruleId: rule.id, enabled: true });
    const jobs = new RecordingJobQueue();
    const [result] = await runAutomation(prisma, jobs, { sellerId: seller.id });
    expect(result).toMatchObject({ replied: 3, skipped: 0 });
    const replies = await prisma.reply.findMany({ where: { item: { sellerId: seller.id } } });
    expect(replies.map((reply) => reply.itemId).sort()).toEqual(
      items
        .slice(0, 3)
        .map((item) => item.id)
        .sort(),
    );
    expect(new Set(replies.map((reply) => reply.text)).size).toBe(3);
    expect(replies.every((reply) => reply.automationRuleId === rule.id && reply.authorId === null)).toBe(true);
    // The item's history names the rule as the one who replied.
    const { entries } = await readItemHistory(prisma, seller.id, items[0]!.id);
    expect(entries.find((entry) => entry.kind === "replied")).toMatchObject({ actor: null, rule: { id: rule.id, name: rule.name } });
    expect(jobs.calls.filter((call) => call.startsWith("reply"))).toHaveLength(3);
    // The fourth item is an hour old only later; running again now does nothing twice.
    const [again] = await runAutomation(prisma, jobs, { sellerId: seller.id });
    expect(again).toMatchObject({ replied: 0, skipped: 0 });
    const [later] = await runAutomation(prisma, jobs, { sellerId: seller.id, now: new Date(Date.now() + 61 * 60_000) });
    expect(later).toMatchObject({ replied: 1 });
  });
});

describe("automation rules: assignment", () => {
  it("an assign rule gives unassigned matching items to a member once, never to someone outside the seller", async () => {
    const { prisma } = database();
    const { seller, items } = await createSellerWithItems(prisma, "rules-assign", [{}, {}, { channel: "QUESTION" }]);
    const { seller: other } = await createSellerWithItems(prisma, "rules-assign-other", []);
    const owner = await ownerOf(prisma, seller.id);
    const agent = await createUser(prisma, "duty-agent");
    await addMember(prisma, agent.id, seller.id, "AGENT");
    const outsider = await ownerOf(prisma, other.id, "outsider");
    await prisma.item.update({ where: { id: items[1]!.id }, data: { assigneeId: owner.id } });
    const rules = callerFor(prisma, owner.id).automation;
    const conditions = { ...FIVE_STARS_WITHOUT_TEXT, name: "Отзывы — дежурному", textPresence: "ANY" as const, action: "ASSIGN" as const };
    await expect(rules.create({ sellerId: seller.id, ...conditions, assigneeId: outsider.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(rules.create({ sellerId: seller.id, ...conditions, assigneeId: null })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const rule = await rules.create({ sellerId: seller.id, ...conditions, assigneeId: agent.id });
    expect(rule.assignee).toEqual({ id: agent.id, name: agent.name });
    await rules.setEnabled({ sellerId: seller.id, ruleId: rule.id, enabled: true });

    const jobs = new RecordingJobQueue();
    const [first] = await runAutomation(prisma, jobs, { sellerId: seller.id });
    // The review already assigned keeps its assignee; the question is not a review.
    expect(first).toMatchObject({ assigned: 1, skipped: 0 });
    const assignees = await prisma.item.findMany({
      where: { sellerId: seller.id },
      orderBy: { externalId: "asc" },
      select: { assigneeId: true },
    });
    expect(assignees.map((item) => item.assigneeId)).toEqual([agent.id, owner.id, null]);
    const { entries } = await readItemHistory(prisma, seller.id, items[0]!.id);
    expect(entries.find((entry) => entry.kind === "assigned")).toMatchObject({ actor: null, assignee: { id: agent.id } });

    // Unassigned again by a person, the item is not taken back: a rule acts on an item once.
    await prisma.item.update({ where: { id: items[0]!.id }, data: { assigneeId: null } });
    const [second] = await runAutomation(prisma, jobs, { sellerId: seller.id });
    expect(second).toMatchObject({ assigned: 0 });
    // A member who left is no assignee: new items are skipped with the reason.
    await prisma.membership.delete({ where: { userId_sellerId: { userId: agent.id, sellerId: seller.id } } });
    const base = items[0]!;
    const fresh = await prisma.item.create({
      data: {
        sellerId: base.sellerId,
        accountId: base.accountId,
        marketplace: base.marketplace,
        channel: "REVIEW",
        externalId: "rules-assign-new",
        text: "Новый отзыв",
        rating: 5,
        upstreamCreatedAt: new Date(),
        lastActivityAt: new Date(),
      },
    });
    const [third] = await runAutomation(prisma, jobs, { sellerId: seller.id });
    expect(third).toMatchObject({ assigned: 0, skipped: 1 });
    expect(await prisma.automationRun.findFirst({ where: { ruleId: rule.id, itemId: fresh.id } })).toMatchObject({
      outcome: "SKIPPED",
      reason: "assignee_not_member",
    });
  });
});

describe("automation rules in the workers", () => {
  let sandbox: WildberriesSandbox | null = null;
  let workers: Workers | null = null;
  afterEach(async () => {
    await workers?.stop();
    await sandbox?.close();
    workers = null;
    sandbox = null;
  });

  it("a rule for 5-star reviews without text answers exactly the matching sandbox reviews, once each, across a worker restart", async () => {
    const { prisma, url } = database();
    sandbox = await startWildberriesSandbox({ seed: 77, size: 6, rateLimits: false, moderation: "instant" });
    const silent = { text: "", pros: "", cons: "" };
    for (let index = 0; index < 3; index += 1) sandbox.world.addFeedback({ ...silent, productValuation: 5 });
    sandbox.world.addFeedback({ productValuation: 5, text: "Отличные кроссовки, рекомендую" });
    sandbox.world.addFeedback({ ...silent, productValuation: 4 });
    const { seller, account } = await createWbAccount(prisma, sandbox, "Rules WB");
    const owner = await ownerOf(prisma, seller.id);
    const sync = () => syncAccount({ prisma, accountId: account.id, connectorOptions: CONNECTOR_OPTIONS, workerId: "test" });
    await sync();

    // The reviews the rule is for: five stars, no words, no answer before the rule.
    const expected = new Set(
      sandbox.world.feedbacks
        .filter((feedback) => feedback.productValuation === 5 && !feedback.text && !feedback.pros && !feedback.cons && !feedback.answer)
        .map((feedback) => feedback.id),
    );
    const matching = () => sandbox!.world.feedbacks.filter((feedback) => expected.has(feedback.id));
    const answersOf = (id: string) => sandbox!.world.answers.get(id) ?? [];
    const start = () =>
      startWorkers({ prisma, databaseUrl: url, connectorOptions: CONNECTOR_OPTIONS, concurrency: 1, pollingIntervalSeconds: 0.5 });
    /** Resolves once the marketplace holds `count` of the expected answers and Inbox saw each one sent. */
    const allAnswered = async (count: number) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const upstream = matching().filter((feedback) => answersOf(feedback.id).length > 0).length;
        const sent = await prisma.reply.count({ where: { item: { sellerId: seller.id }, status: "SENT" } });
        if (upstream >= count && sent >= count) return;
        if (Date.now() > deadline) throw new Error(`timed out: ${upstream} answered upstream, ${sent} sent, ${count} expected`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const template = await callerFor(prisma, owner.id).template.create({
      sellerId: seller.id,
      name: "Пять звёзд",
      text: "{Спасибо|Благодарим} за {высокую оценку|пять звёзд}! Будем рады видеть вас снова.",
    });
    const rule = await callerFor(prisma, owner.id).automation.create({
      sellerId: seller.id,
      ...FIVE_STARS_WITHOUT_TEXT,
      templateId: template.id,
    });
    workers = await start();
    await callerFor(prisma, owner.id).automation.setEnabled({ sellerId: seller.id, ruleId: rule.id, enabled: true });
    // setEnabled queued through the caller's recording queue: the worker's sweep queues the rule's seller.
    await workers.sweep();
    const before = matching().length;
    expect(before).toBeGreaterThanOrEqual(3);
    await allAnswered(before);

    // A restart; a new matching review arrives and is synced: it is answered, the others are not again.
    await workers.stop();
    workers = await start();
    expected.add(sandbox.world.addFeedback({ ...silent, productValuation: 5 }).id);
    await sync();
    await workers.sweep();
    await allAnswered(before + 1);
    await workers.sweep();
    await workers.stop();
    workers = null;

    for (const feedback of sandbox.world.feedbacks) {
      expect(answersOf(feedback.id), `review ${feedback.id}`).toHaveLength(matching().includes(feedback) ? 1 : 0);
    }
    const runs = await prisma.automationRun.groupBy({ by: ["outcome"], where: { ruleId: rule.id }, _count: { _all: true } });
    expect(runs).toEqual([{ outcome: "REPLIED", _count: { _all: before + 1 } }]);
  });
});
