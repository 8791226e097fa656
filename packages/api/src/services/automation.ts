// Automation rules: an owner's conditions (marketplace, channel, ratings, with or without text,
// product, keywords) and an action (reply with a template after a delay, assign, mark read), applied by the
// workers to every matching item once. Each application leaves an AutomationRun row, unique per
// (rule, item), and a reply's idempotency key is derived from the rule and the item, so a worker
// that dies halfway and a second worker running the same rule never act twice. Replies go through
// the outbox like an agent's and respect the marketplace's length limits; the text is the variant
// of the template least like the seller's recent answers (Ozon penalises repeated answers).
import type { AutomationAction, Channel, Marketplace, PrismaClient, TextPresence } from "@inbox/db";
import { Prisma } from "@inbox/db";
import { AppError } from "../errors";
import type { JobQueue } from "../jobs/queues";
import { findRepeatedAnswers } from "./answer-repetition";
import { recordAudit, type AuditOrigin } from "./audit";
import { fromDbChannel, fromDbMarketplace } from "./enums";
import { canMarkReadUpstream } from "./inbox-read";
import { recordItemEvent, recordReadEvents } from "./item-history";
import { queueDelivery } from "./reply-queue";
import { queueReplyOnce } from "./replies";
import { fillTemplate, variantCount, variantOf } from "./templates";

export interface RuleConditions {
  marketplaces: Marketplace[];
  channels: Channel[];
  ratings: number[];
  textPresence: TextPresence;
  product: string | null;
  keywords: string[];
}

export interface RuleInput extends RuleConditions {
  name: string;
  action: AutomationAction;
  templateId: string | null;
  assigneeId: string | null;
  delayMinutes: number;
  dailyCap: number | null;
}

/** Items one run of one rule acts on at most; the rest wait for the next run. */
export const RULE_BATCH = 50;
/** Variants of a template tried per item in search of one that repeats no recent answer. */
const VARIANTS_TRIED = 8;
const PREVIEW_ITEMS = 20;
const PREVIEW_COUNT_LIMIT = 1_000;

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * The rule's conditions as SQL over "Item" AS i. Keywords use the item's search vector (Russian
 * morphology, GIN index), so «размер» also matches «размеры».
 */
function conditionsSql(sellerId: string, rule: RuleConditions & { action: AutomationAction }): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`i."sellerId" = ${sellerId}`];
  if (rule.marketplaces.length > 0) parts.push(Prisma.sql`i."marketplace"::text = ANY(${rule.marketplaces}::text[])`);
  if (rule.channels.length > 0) parts.push(Prisma.sql`i."channel"::text = ANY(${rule.channels}::text[])`);
  if (rule.ratings.length > 0) parts.push(Prisma.sql`i."rating" = ANY(${rule.ratings}::int[])`);
  const written = Prisma.sql`(btrim(i."text") <> '' OR btrim(coalesce(i."pros", '')) <> '' OR btrim(coalesce(i."cons", '')) <> '')`;
  if (rule.textPresence === "WITH_TEXT") parts.push(written);
  if (rule.textPresence === "WITHOUT_TEXT") parts.push(Prisma.sql`NOT ${written}`);
  if (rule.product) {
    const product = rule.product.trim();
    parts.push(Prisma.sql`(i."productArticle" = ${product} OR i."productName" ILIKE ${`%${escapeLike(product)}%`})`);
  }
  if (rule.keywords.length > 0) {
    const query = rule.keywords.map((word) => `"${word.replace(/"/g, "")}"`).join(" or ");
    parts.push(Prisma.sql`i."searchVector" @@ websearch_to_tsquery('russian', ${query})`);
  }
  // What is left to do: a reply to a review or question without an answer or one on its way; a read mark.
  if (rule.action === "REPLY") {
    parts.push(Prisma.sql`i."channel" <> 'CHAT' AND NOT i."answered" AND i."replyState" = 'NONE'`);
  } else if (rule.action === "ASSIGN") {
    parts.push(Prisma.sql`i."assigneeId" IS NULL`);
  } else {
    parts.push(Prisma.sql`NOT i."read"`);
  }
  return Prisma.join(parts, " AND ");
}

function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function ruleView(
  row: Prisma.AutomationRuleGetPayload<{
    include: { template: { select: { id: true; name: true } }; assignee: { select: { id: true; name: true } } };
  }>,
) {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    marketplaces: row.marketplaces.map(fromDbMarketplace),
    channels: row.channels.map(fromDbChannel),
    ratings: [...row.ratings].sort(),
    textPresence: row.textPresence,
    product: row.product,
    keywords: row.keywords,
    action: row.action,
    template: row.template,
    assignee: row.assignee,
    delayMinutes: row.delayMinutes,
    dailyCap: row.dailyCap,
    updatedAt: row.updatedAt,
  };
}
export type RuleView = ReturnType<typeof ruleView>;

const withTemplate = { template: { select: { id: true, name: true } }, assignee: { select: { id: true, name: true } } } as const;

/** The seller's rules with what each did today and in total. */
export async function listRules(prisma: PrismaClient, sellerId: string) {
  const rules = await prisma.automationRule.findMany({
    where: { sellerId },
    include: withTemplate,
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  const since = startOfUtcDay(new Date());
  const counts = await prisma.automationRun.groupBy({
    by: ["ruleId", "outcome"],
    where: { ruleId: { in: rules.map((rule) => rule.id) }, createdAt: { gte: since } },
    _count: { _all: true },
  });
  return rules.map((rule) => {
    const today = counts.filter((count) => count.ruleId === rule.id);
    const of = (outcome: string) => today.find((count) => count.outcome === outcome)?._count._all ?? 0;
    return {
      ...ruleView(rule),
      today: { replied: of("REPLIED"), assigned: of("ASSIGNED"), markedRead: of("MARKED_READ"), skipped: of("SKIPPED") },
    };
  });
}

/** The action's target belongs to the seller: the template of a reply, the member of an assignment. */
async function assertActionTarget(db: Db, sellerId: string, input: RuleInput) {
  if (input.action === "ASSIGN") {
    const member = input.assigneeId
      ? await db.membership.findUnique({ where: { userId_sellerId: { userId: input.assigneeId, sellerId } }, select: { userId: true } })
      : null;
    if (!member) throw new AppError("assignee_not_member", "The assignee must be a member of the rule's seller.");
    return;
  }
  if (input.action !== "REPLY") return;
  if (!input.templateId) throw new AppError("template_not_found", "Choose the template this rule replies with.");
  const template = await db.replyTemplate.findFirst({ where: { id: input.templateId, sellerId }, select: { id: true } });
  if (!template) throw new AppError("template_not_found", "This template does not exist or belongs to another seller.");
}

function ruleData(input: RuleInput) {
  return {
    name: input.name.trim(),
    marketplaces: [...new Set(input.marketplaces)],
    channels: [...new Set(input.channels)],
    ratings: [...new Set(input.ratings)].sort(),
    textPresence: input.textPresence,
    product: input.product?.trim() || null,
    keywords: [...new Set(input.keywords.map((word) => word.trim()).filter(Boolean))],
    action: input.action,
    templateId: input.action === "REPLY" ? input.templateId : null,
    assigneeId: input.action === "ASSIGN" ? input.assigneeId : null,
    delayMinutes: input.delayMinutes,
    dailyCap: input.dailyCap,
  };
}

async function ruleOfSeller(db: Db, sellerId: string, ruleId: string) {
  const rule = await db.automationRule.findFirst({ where: { id: ruleId, sellerId } });
  if (!rule) throw new AppError("rule_not_found", "This rule does not exist or belongs to another seller.");
  return rule;
}

function ruleAudit(
  action: "rule.created" | "rule.updated" | "rule.deleted" | "rule.enabled" | "rule.disabled",
  rule: { id: string; sellerId: string; name: string },
) {
  return { sellerId: rule.sellerId, action, target: { type: "rule", id: rule.id }, detail: { name: rule.name } };
}

/** New rules start switched off: the owner looks at the preview first. */
export async function createRule(
  prisma: PrismaClient,
  params: { sellerId: string; userId: string; input: RuleInput; origin: AuditOrigin },
) {
  const row = await prisma.$transaction(async (tx) => {
    await assertActionTarget(tx, params.sellerId, params.input);
    const created = await tx.automationRule.create({
      data: { sellerId: params.sellerId, createdById: params.userId, ...ruleData(params.input) },
      include: withTemplate,
    });
    await recordAudit(tx, params.origin, ruleAudit("rule.created", created));
    return created;
  });
  return ruleView(row);
}

export async function updateRule(
  prisma: PrismaClient,
  params: { sellerId: string; ruleId: string; input: RuleInput; origin: AuditOrigin },
) {
  const row = await prisma.$transaction(async (tx) => {
    await ruleOfSeller(tx, params.sellerId, params.ruleId);
    await assertActionTarget(tx, params.sellerId, params.input);
    const updated = await tx.automationRule.update({ where: { id: params.ruleId }, data: ruleData(params.input), include: withTemplate });
    await recordAudit(tx, params.origin, ruleAudit("rule.updated", updated));
    return updated;
  });
  return ruleView(row);
}

export async function setRuleEnabled(
  prisma: PrismaClient,
  params: { sellerId: string; ruleId: string; enabled: boolean; origin: AuditOrigin },
) {
  const row = await prisma.$transaction(async (tx) => {
    const rule = await ruleOfSeller(tx, params.sellerId, params.ruleId);
    if (params.enabled && rule.action === "REPLY" && !rule.templateId) {
      throw new AppError("template_not_found", "The rule's template was deleted: choose another one before switching it on.");
    }
    if (params.enabled && rule.action === "ASSIGN" && !rule.assigneeId) {
      throw new AppError("assignee_not_member", "The rule's assignee is no longer a user: choose another member before switching it on.");
    }
    const updated = await tx.automationRule.update({ where: { id: rule.id }, data: { enabled: params.enabled }, include: withTemplate });
    await recordAudit(tx, params.origin, ruleAudit(params.enabled ? "rule.enabled" : "rule.disabled", updated));
    return updated;
  });
  return ruleView(row);
}

export async function deleteRule(prisma: PrismaClient, params: { sellerId: string; ruleId: string; origin: AuditOrigin }) {
  await prisma.$transaction(async (tx) => {
    const rule = await ruleOfSeller(tx, params.sellerId, params.ruleId);
    await tx.automationRule.delete({ where: { id: rule.id } });
    await recordAudit(tx, params.origin, ruleAudit("rule.deleted", rule));
  });
  return { id: params.ruleId };
}

/**
 * The items the conditions match now and the action would touch (ignoring the delay and what an
 * existing rule did already): a count up to 1 000 and the newest 20, for the form's preview.
 */
export async function previewRule(prisma: PrismaClient, sellerId: string, rule: RuleConditions & { action: AutomationAction }) {
  const where = conditionsSql(sellerId, rule);
  const [items, [counted]] = await Promise.all([
    prisma.$queryRaw<
      Array<{
        id: string;
        marketplace: Marketplace;
        channel: Channel;
        rating: number | null;
        text: string;
        productName: string | null;
        authorName: string | null;
        upstreamCreatedAt: Date;
      }>
    >`
      SELECT i."id", i."marketplace", i."channel", i."rating", i."text", i."productName", i."authorName", i."upstreamCreatedAt"
      FROM "Item" AS i WHERE ${where}
      ORDER BY i."lastActivityAt" DESC, i."id" DESC LIMIT ${PREVIEW_ITEMS}`,
    prisma.$queryRaw<[{ count: number }]>`
      SELECT count(*)::int AS "count" FROM (SELECT 1 FROM "Item" AS i WHERE ${where} LIMIT ${PREVIEW_COUNT_LIMIT + 1}) AS matched`,
  ]);
  const count = counted?.count ?? 0;
  return {
    items: items.map((item) => ({ ...item, marketplace: fromDbMarketplace(item.marketplace), channel: fromDbChannel(item.channel) })),
    count: Math.min(count, PREVIEW_COUNT_LIMIT),
    more: count > PREVIEW_COUNT_LIMIT,
  };
}

export function startOfUtcDay(at: Date) {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export interface AutomationRunResult {
  ruleId: string;
  replied: number;
  assigned: number;
  markedRead: number;
  skipped: number;
}

/**
 * Applies every enabled rule (of one seller, or of all) to what it has not acted on yet: at most
 * RULE_BATCH items per rule and no more than the rule's daily cap allows. The workers call it after
 * a sync that stored something, when a rule is switched on, and every minute for delays.
 */
export async function runAutomation(
  prisma: PrismaClient,
  jobs: JobQueue,
  options: { sellerId?: string; now?: Date } = {},
): Promise<AutomationRunResult[]> {
  const now = options.now ?? new Date();
  const rules = await prisma.automationRule.findMany({
    where: { enabled: true, ...(options.sellerId ? { sellerId: options.sellerId } : {}) },
    include: { template: true, seller: { select: { name: true } } },
    orderBy: { createdAt: "asc" },
  });
  const results: AutomationRunResult[] = [];
  for (const rule of rules) {
    const result: AutomationRunResult = { ruleId: rule.id, replied: 0, assigned: 0, markedRead: 0, skipped: 0 };
    results.push(result);
    let room = RULE_BATCH;
    if (rule.dailyCap !== null) {
      const done = await prisma.automationRun.count({
        where: { ruleId: rule.id, outcome: { not: "SKIPPED" }, createdAt: { gte: startOfUtcDay(now) } },
      });
      room = Math.min(room, rule.dailyCap - done);
    }
    if (room <= 0) continue;
    if (rule.action === "REPLY" && !rule.template) continue;
    const due = new Date(now.getTime() - rule.delayMinutes * 60_000);
    const candidates = await prisma.$queryRaw<
      Array<{ id: string; marketplace: Marketplace; channel: Channel; authorName: string | null; productName: string | null }>
    >`
      SELECT i."id", i."marketplace", i."channel", i."authorName", i."productName"
      FROM "Item" AS i
      WHERE ${conditionsSql(rule.sellerId, rule)} AND i."upstreamCreatedAt" <= ${due}
        AND NOT EXISTS (SELECT 1 FROM "AutomationRun" AS r WHERE r."ruleId" = ${rule.id} AND r."itemId" = i."id")
      ORDER BY i."lastActivityAt" DESC, i."id" DESC
      LIMIT ${room}`;
    if (rule.action === "MARK_READ") {
      await markRead(prisma, jobs, rule.id, candidates);
      result.markedRead += candidates.length;
      continue;
    }
    if (rule.action === "ASSIGN") {
      const assigned = await assign(prisma, rule, candidates);
      result.assigned += assigned;
      result.skipped += candidates.length - assigned;
      continue;
    }
    for (const item of candidates) {
      const outcome = await replyToItem(prisma, jobs, { rule, template: rule.template!, sellerName: rule.seller.name, item });
      if (outcome === "REPLIED") result.replied += 1;
      else result.skipped += 1;
    }
  }
  return results;
}

async function markRead(
  prisma: PrismaClient,
  jobs: Pick<JobQueue, "enqueueMarkReadUpstream">,
  ruleId: string,
  items: Array<{ id: string; marketplace: Marketplace; channel: Channel }>,
) {
  if (items.length === 0) return;
  const ids = items.map((item) => item.id);
  // Item first, then the run row that references it: the order every writer of items keeps
  // (services/data-removal.ts).
  const changed = await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE "Item" SET "read" = true, "updatedAt" = now() WHERE "id" = ANY(${ids}::text[]) AND NOT "read" RETURNING "id"`;
    // No actor in the item's history: the rule did it.
    await recordReadEvents(
      tx,
      rows.map((row) => row.id),
      true,
      null,
    );
    await tx.automationRun.createMany({
      data: ids.map((itemId) => ({ ruleId, itemId, outcome: "MARKED_READ" as const })),
      skipDuplicates: true,
    });
    return new Set(rows.map((row) => row.id));
  });
  const upstream = items
    .filter((item) => changed.has(item.id) && canMarkReadUpstream(item.marketplace, item.channel))
    .map((item) => item.id);
  if (upstream.length > 0) {
    try {
      await jobs.enqueueMarkReadUpstream(upstream);
    } catch (error) {
      console.error(`Queueing mark-read upstream for rule ${ruleId} failed; the next sync reconciles:`, error);
    }
  }
}

/**
 * Gives the unassigned candidates to the rule's member, in one transaction: the membership first
 * (share-locked, so the member cannot leave meanwhile), then the items, the order of
 * services/assignment.ts. A member who left the seller is no assignee: the items are skipped.
 */
async function assign(
  prisma: PrismaClient,
  rule: { id: string; sellerId: string; assigneeId: string | null },
  items: Array<{ id: string }>,
): Promise<number> {
  if (items.length === 0) return 0;
  const ids = items.map((item) => item.id);
  return prisma.$transaction(async (tx) => {
    const member = rule.assigneeId
      ? await tx.$queryRaw<Array<{ userId: string }>>`
          SELECT "userId" FROM "Membership" WHERE "sellerId" = ${rule.sellerId} AND "userId" = ${rule.assigneeId} FOR SHARE`
      : [];
    if (member.length === 0) {
      await tx.automationRun.createMany({
        data: ids.map((itemId) => ({ ruleId: rule.id, itemId, outcome: "SKIPPED" as const, reason: "assignee_not_member" })),
        skipDuplicates: true,
      });
      return 0;
    }
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE "Item" SET "assigneeId" = ${rule.assigneeId}, "updatedAt" = now()
      WHERE "id" = ANY(${ids}::text[]) AND "assigneeId" IS NULL RETURNING "id"`;
    for (const row of rows) {
      await recordItemEvent(tx, { itemId: row.id, sellerId: rule.sellerId, kind: "ASSIGNED", actorId: null, assigneeId: rule.assigneeId });
    }
    const assigned = new Set(rows.map((row) => row.id));
    await tx.automationRun.createMany({
      data: ids.map((itemId) =>
        assigned.has(itemId)
          ? { ruleId: rule.id, itemId, outcome: "ASSIGNED" as const }
          : { ruleId: rule.id, itemId, outcome: "SKIPPED" as const, reason: "already_assigned" },
      ),
      skipDuplicates: true,
    });
    return assigned.size;
  });
}

type Outcome = "REPLIED" | "SKIPPED";

async function replyToItem(
  prisma: PrismaClient,
  jobs: JobQueue,
  params: {
    rule: { id: string; sellerId: string; name: string };
    template: { text: string };
    sellerName: string;
    item: { id: string; marketplace: Marketplace; authorName: string | null; productName: string | null };
  },
): Promise<Outcome> {
  const { rule, item } = params;
  const text = await leastRepeatedVariant(prisma, rule.sellerId, params.template.text, {
    itemId: item.id,
    values: { buyer: item.authorName, product: item.productName, seller: params.sellerName },
  });
  // Ozon lowers the rating of sellers whose answers repeat word for word: such an item is left to a person.
  if (item.marketplace === "OZON" && text.similarity >= 1)
    return record(prisma, rule.id, item.id, { outcome: "SKIPPED", reason: "repeats_recent_answer" });
  try {
    const { reply, created } = await queueReplyOnce(prisma, {
      sellerId: rule.sellerId,
      itemId: item.id,
      authorId: null,
      automationRuleId: rule.id,
      text: text.text,
      idempotencyKey: `rule-${rule.id}-${item.id}`,
    });
    if (created) await queueDelivery(jobs, reply.id);
    return record(prisma, rule.id, item.id, { outcome: "REPLIED", replyId: reply.id });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return record(prisma, rule.id, item.id, { outcome: "SKIPPED", reason: error.reason });
  }
}

async function record(
  prisma: PrismaClient,
  ruleId: string,
  itemId: string,
  run: { outcome: Outcome; replyId?: string; reason?: string },
): Promise<Outcome> {
  await prisma.automationRun.createMany({ data: [{ ruleId, itemId, ...run }], skipDuplicates: true });
  return run.outcome;
}

/**
 * Of the template's variants (the item's own first, then the next ones, up to VARIANTS_TRIED), the
 * first that repeats none of the seller's answers of the last 30 days, else the least similar.
 */
async function leastRepeatedVariant(
  prisma: PrismaClient,
  sellerId: string,
  template: string,
  target: { itemId: string; values: Parameters<typeof fillTemplate>[1] },
): Promise<{ text: string; similarity: number }> {
  const count = variantCount(template);
  const first = variantOf(target.itemId);
  let best: { text: string; similarity: number } | null = null;
  for (let step = 0; step < Math.min(count, VARIANTS_TRIED); step += 1) {
    const text = fillTemplate(template, target.values, (first + step) % count);
    const [closest] = await findRepeatedAnswers(prisma, sellerId, text);
    const similarity = closest?.similarity ?? 0;
    if (similarity === 0) return { text, similarity };
    if (!best || similarity < best.similarity) best = { text, similarity };
  }
  return best!;
}
