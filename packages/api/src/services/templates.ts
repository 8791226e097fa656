// A seller's reply templates: CRUD, the variables filled per item, the templates that suit an item,
// and the bulk reply that queues one filled template per selected item through the reply outbox.
import { createHash } from "node:crypto";
import type { Channel, Prisma, PrismaClient } from "@inbox/db";
import { AppError } from "../errors";
import type { JobQueue } from "../jobs/queues";
import { recordAudit, type AuditOrigin } from "./audit";
import { fromDbChannel, toDbChannel, type ChannelName } from "./enums";
import { queueDelivery } from "./reply-queue";
import { queueReplyOnce } from "./replies";

/** The variables a template may hold, each filled from the item or the seller. */
export const TEMPLATE_VARIABLES = ["buyer", "product", "seller"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export interface TemplateInput {
  name: string;
  text: string;
  channel: ChannelName | null;
  ratings: number[];
}

function templateView(row: { id: string; name: string; text: string; channel: Channel | null; ratings: number[]; updatedAt: Date }) {
  return {
    id: row.id,
    name: row.name,
    text: row.text,
    channel: row.channel ? fromDbChannel(row.channel) : null,
    ratings: [...row.ratings].sort(),
    updatedAt: row.updatedAt,
  };
}

export type TemplateView = ReturnType<typeof templateView>;

export async function listTemplates(prisma: PrismaClient, sellerId: string) {
  const rows = await prisma.replyTemplate.findMany({ where: { sellerId }, orderBy: [{ name: "asc" }, { id: "asc" }] });
  return rows.map(templateView);
}

function templateData(input: TemplateInput) {
  return {
    name: input.name.trim(),
    text: input.text.trim(),
    channel: input.channel ? toDbChannel(input.channel) : null,
    ratings: [...new Set(input.ratings)].sort(),
  };
}

// Template changes are audited in their own transaction: the entry exists exactly when the change does.
export async function createTemplate(
  prisma: PrismaClient,
  params: { sellerId: string; userId: string; input: TemplateInput; origin: AuditOrigin },
) {
  const row = await prisma.$transaction(async (tx) => {
    const created = await tx.replyTemplate.create({
      data: { sellerId: params.sellerId, createdById: params.userId, ...templateData(params.input) },
    });
    await recordAudit(tx, params.origin, templateAudit("template.created", created));
    return created;
  });
  return templateView(row);
}

async function templateOfSeller(prisma: PrismaClient | Prisma.TransactionClient, sellerId: string, templateId: string) {
  const row = await prisma.replyTemplate.findFirst({ where: { id: templateId, sellerId } });
  if (!row) throw new AppError("template_not_found", "This template does not exist or belongs to another seller.");
  return row;
}

function templateAudit(
  action: "template.created" | "template.updated" | "template.deleted",
  row: { id: string; sellerId: string; name: string },
) {
  return { sellerId: row.sellerId, action, target: { type: "template", id: row.id }, detail: { name: row.name } };
}

export async function updateTemplate(
  prisma: PrismaClient,
  params: { sellerId: string; templateId: string; input: TemplateInput; origin: AuditOrigin },
) {
  const row = await prisma.$transaction(async (tx) => {
    const before = await templateOfSeller(tx, params.sellerId, params.templateId);
    const updated = await tx.replyTemplate.update({ where: { id: params.templateId }, data: templateData(params.input) });
    await recordAudit(tx, params.origin, {
      ...templateAudit("template.updated", updated),
      detail: before.name === updated.name ? { name: updated.name } : { name: updated.name, previousName: before.name },
    });
    return updated;
  });
  return templateView(row);
}

export async function deleteTemplate(prisma: PrismaClient, params: { sellerId: string; templateId: string; origin: AuditOrigin }) {
  await prisma.$transaction(async (tx) => {
    const row = await templateOfSeller(tx, params.sellerId, params.templateId);
    await tx.replyTemplate.delete({ where: { id: params.templateId } });
    await recordAudit(tx, params.origin, templateAudit("template.deleted", row));
  });
  return { id: params.templateId };
}

/** `{Спасибо|Благодарим}`: a group of variants, one of which each reply takes. */
const VARIANT_GROUP = /\{([^{}|]*(?:\|[^{}|]*)+)\}/g;

/** How many different texts the template's variant groups make (1 without groups). */
export function variantCount(text: string): number {
  let count = 1;
  for (const match of text.matchAll(VARIANT_GROUP)) count *= match[1]!.split("|").length;
  return count;
}

/**
 * Variant `index` of the text: each `{a|b|c}` group replaced by one of its options, the groups
 * counting like the digits of a number, so indexes 0 … variantCount − 1 give every combination once.
 */
export function pickVariant(text: string, index: number): string {
  let rest = Math.max(0, Math.floor(index));
  return text.replace(VARIANT_GROUP, (_match, group: string) => {
    const options = group.split("|");
    const option = options[rest % options.length]!;
    rest = Math.floor(rest / options.length);
    return option;
  });
}

/** A stable variant per item, so replies to many items differ (Ozon penalises repeated answers). */
export function variantOf(itemId: string): number {
  return createHash("sha256").update(itemId).digest().readUInt32BE(0);
}

/**
 * The template's text with one variant of each `{a|b}` group (see pickVariant) and {buyer},
 * {product} and {seller} filled in. A value the marketplace did not give (an anonymous buyer) is
 * left out together with the comma or space before it, so "Здравствуйте, {buyer}!" becomes
 * "Здравствуйте!"; one that opens the text takes the comma after it along, so "{buyer}, спасибо!"
 * becomes "Спасибо!".
 */
export function fillTemplate(text: string, values: Record<TemplateVariable, string | null>, variant = 0): string {
  const filled = pickVariant(text, variant)
    .replace(/^\s*\{(buyer|product|seller)\}[,\s]*/, (match, name: TemplateVariable) => (values[name]?.trim() ? match : ""))
    .replace(/([,\s]*)\{(buyer|product|seller)\}/g, (_match, before: string, name: TemplateVariable) => {
      const value = values[name]?.trim();
      return value ? `${before}${value}` : "";
    })
    .replace(/[ \t]{2,}/g, " ")
    .trim();
  return filled.charAt(0).toLocaleUpperCase("ru") + filled.slice(1);
}

/** Does the template suit an item of this channel and rating? No channel or no ratings: any. */
function suits(template: TemplateView, item: { channel: ChannelName; rating: number | null }) {
  if (template.channel && template.channel !== item.channel) return false;
  if (template.ratings.length > 0 && (item.rating === null || !template.ratings.includes(item.rating))) return false;
  return true;
}

/** Templates for the composer: those that suit the item, the most specific first, filled for it. */
export async function suggestTemplates(prisma: PrismaClient, params: { sellerId: string; itemId: string }) {
  const item = await prisma.item.findFirst({
    where: { id: params.itemId, sellerId: params.sellerId },
    select: { channel: true, rating: true, authorName: true, productName: true, seller: { select: { name: true } } },
  });
  if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
  const target = { channel: fromDbChannel(item.channel), rating: item.rating };
  const specificity = (template: TemplateView) => (template.channel ? 2 : 0) + (template.ratings.length > 0 ? 1 : 0);
  return (await listTemplates(prisma, params.sellerId))
    .filter((template) => suits(template, target))
    .sort((a, b) => specificity(b) - specificity(a))
    .map((template) => ({
      ...template,
      filledText: fillTemplate(
        template.text,
        { buyer: item.authorName, product: item.productName, seller: item.seller.name },
        variantOf(params.itemId),
      ),
    }));
}

export const BULK_REPLY_MAX_ITEMS = 100;

export type BulkReplyResult =
  { itemId: string; status: "queued" | "already_queued"; replyId: string } | { itemId: string; status: "skipped"; reason: string };

/**
 * One reply per item from the template, filled per item, each queued through the outbox with a key
 * derived from the request id, template and item: repeating the request (a retry, a double click)
 * finds the replies it stored and queues nothing twice. Items that cannot take the reply (answered,
 * too long once filled, another seller's) are reported, not fatal.
 */
export async function replyWithTemplate(
  prisma: PrismaClient,
  jobs: JobQueue,
  params: { sellerId: string; userId: string; templateId: string; requestId: string; itemIds: string[] },
): Promise<BulkReplyResult[]> {
  if (params.itemIds.length > BULK_REPLY_MAX_ITEMS) {
    throw new AppError("selection_too_large", `Send at most ${BULK_REPLY_MAX_ITEMS} items per request.`, {
      details: { max: BULK_REPLY_MAX_ITEMS },
    });
  }
  const template = await templateOfSeller(prisma, params.sellerId, params.templateId);
  const itemIds = [...new Set(params.itemIds)];
  const items = await prisma.item.findMany({
    where: { id: { in: itemIds }, sellerId: params.sellerId },
    select: { id: true, authorName: true, productName: true, seller: { select: { name: true } } },
  });
  const byId = new Map(items.map((item) => [item.id, item]));
  const results: BulkReplyResult[] = [];
  for (const itemId of itemIds) {
    const item = byId.get(itemId);
    if (!item) {
      results.push({ itemId, status: "skipped", reason: "item_not_found" });
      continue;
    }
    const text = fillTemplate(
      template.text,
      { buyer: item.authorName, product: item.productName, seller: item.seller.name },
      variantOf(item.id),
    );
    const idempotencyKey = `bulk-${createHash("sha256").update(`${params.sellerId}|${template.id}|${params.requestId}|${item.id}`).digest("hex").slice(0, 48)}`;
    try {
      const { reply, created } = await queueReplyOnce(prisma, {
        sellerId: params.sellerId,
        itemId,
        authorId: params.userId,
        text,
        idempotencyKey,
      });
      if (created) await queueDelivery(jobs, reply.id);
      results.push({ itemId, status: created ? "queued" : "already_queued", replyId: reply.id });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({ itemId, status: "skipped", reason: error.reason });
    }
  }
  return results;
}
