// A seller's automation rules: members see them and what they did today; owners create, change,
// preview, switch on and off and delete them. The workers apply them (services/automation.ts).
import { z } from "zod";
import { auditOriginOf } from "../services/audit";
import { createRule, deleteRule, listRules, previewRule, setRuleEnabled, updateRule, type RuleInput } from "../services/automation";
import { channelSchema, marketplaceSchema, toDbChannel, toDbMarketplace } from "../services/enums";
import { createTRPCRouter, sellerOwnerProcedure, sellerProcedure } from "../trpc";

const id = z.string().min(1).max(64);

const conditionsInput = z.object({
  /** Empty: every marketplace (and likewise for channels and ratings). */
  marketplaces: z.array(marketplaceSchema).max(10).default([]),
  channels: z.array(channelSchema).max(10).default([]),
  ratings: z.array(z.number().int().min(1).max(5)).max(5).default([]),
  textPresence: z.enum(["ANY", "WITH_TEXT", "WITHOUT_TEXT"]).default("ANY"),
  /** An article (exact) or a part of the product's name. */
  product: z.string().trim().max(200, "The product is too long (200 characters at most).").nullable().default(null),
  keywords: z
    .array(z.string().trim().min(1).max(50, "A keyword is too long (50 characters at most)."))
    .max(20, "At most 20 keywords.")
    .default([]),
  action: z.enum(["REPLY", "ASSIGN", "MARK_READ"]),
});

const ruleInput = conditionsInput
  .extend({
    name: z.string().trim().min(1, "Name the rule.").max(100, "The name is too long (100 characters at most)."),
    templateId: id.nullable().default(null),
    /** ASSIGN: the member of the seller who gets the items. */
    assigneeId: id.nullable().default(null),
    /** Minutes after the item's creation on the marketplace; up to 30 days. */
    delayMinutes: z.number().int().min(0).max(43_200).default(0),
    /** Actions per day at most; null: no cap. */
    dailyCap: z.number().int().min(1).max(10_000).nullable().default(null),
  })
  .refine((rule) => rule.action !== "REPLY" || rule.templateId !== null, {
    message: "Choose the template this rule replies with.",
    path: ["templateId"],
  })
  .refine((rule) => rule.action !== "ASSIGN" || rule.assigneeId !== null, {
    message: "Choose the member this rule assigns items to.",
    path: ["assigneeId"],
  })
  .refine((rule) => rule.action !== "REPLY" || !rule.channels.includes("chat"), {
    message: "Rules answer reviews and questions; chats need a person.",
    path: ["channels"],
  });

function toRuleInput<T extends z.output<typeof conditionsInput>>(input: T) {
  return { ...input, marketplaces: input.marketplaces.map(toDbMarketplace), channels: input.channels.map(toDbChannel) };
}

export const automationRouter = createTRPCRouter({
  list: sellerProcedure.query(({ ctx }) => listRules(ctx.prisma, ctx.seller.id)),

  /** The items the conditions match now: a count (up to 1000) and the newest 20. */
  preview: sellerOwnerProcedure
    .input(conditionsInput)
    .query(({ ctx, input }) => previewRule(ctx.prisma, ctx.seller.id, toRuleInput(input))),

  create: sellerOwnerProcedure.input(ruleInput).mutation(({ ctx, input }) =>
    createRule(ctx.prisma, {
      sellerId: ctx.seller.id,
      userId: ctx.userId,
      input: toRuleInput(input) satisfies RuleInput,
      origin: auditOriginOf(ctx),
    }),
  ),

  update: sellerOwnerProcedure
    .input(z.object({ ruleId: id, rule: ruleInput }))
    .mutation(({ ctx, input }) =>
      updateRule(ctx.prisma, { sellerId: ctx.seller.id, ruleId: input.ruleId, input: toRuleInput(input.rule), origin: auditOriginOf(ctx) }),
    ),

  /** Switching a rule on applies it at once (in the workers), then after every sync and every minute. */
  setEnabled: sellerOwnerProcedure.input(z.object({ ruleId: id, enabled: z.boolean() })).mutation(async ({ ctx, input }) => {
    const rule = await setRuleEnabled(ctx.prisma, {
      sellerId: ctx.seller.id,
      ruleId: input.ruleId,
      enabled: input.enabled,
      origin: auditOriginOf(ctx),
    });
    if (rule.enabled) {
      try {
        await ctx.jobs.enqueueAutomation(ctx.seller.id);
      } catch (error) {
        console.error(`Queueing automation of seller ${ctx.seller.id} failed; the sweeper queues it within a minute:`, error);
      }
    }
    return rule;
  }),

  delete: sellerOwnerProcedure
    .input(z.object({ ruleId: id }))
    .mutation(({ ctx, input }) => deleteRule(ctx.prisma, { sellerId: ctx.seller.id, ruleId: input.ruleId, origin: auditOriginOf(ctx) })),
});
