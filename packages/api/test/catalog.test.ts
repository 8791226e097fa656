// The marketplace catalog the UI builds its forms and filters from, and the API's own checks of
// marketplace and channel names: both come from the connector registry, not from lists of their own.
import {
  BaseChannelConnector,
  credentialFieldsOf,
  listConnectors,
  registerConnector,
  registerMarketplace,
  unregisterConnector,
  unregisterMarketplace,
  type ListItemsResult,
} from "@inbox/connectors";
import { Channel as DB_CHANNELS, Marketplace as DB_MARKETPLACES, type PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createCaller, createTRPCContext } from "../src/index";
import type { JobQueue } from "../src/jobs/queues";
import {
  fromDbChannel,
  fromDbMarketplace,
  toDbChannel,
  toDbMarketplace,
  type ChannelName,
  type MarketplaceName,
} from "../src/services/enums";
import { addMember, createUser } from "./fixtures";

const database = useTestDatabase();
const queued: string[] = [];
const jobs: JobQueue = {
  enqueueSync: async (accountId) => void queued.push(`sync ${accountId}`),
  enqueueReplyDelivery: async (replyId) => void queued.push(`reply ${replyId}`),
  enqueueMarkReadUpstream: async (itemIds) => void queued.push(`mark read ${itemIds.join(",")}`),
  enqueueAutomation: async () => {},
};
let world: { ownerId: string; sellerId: string };

const callerFor = (prisma: PrismaClient, userId: string | null) => createCaller(createTRPCContext({ userId, prisma, jobs }));

beforeAll(async () => {
  const { prisma } = database();
  const owner = await createUser(prisma, "Olga");
  const seller = await prisma.seller.create({ data: { name: "Catalog" } });
  await addMember(prisma, owner.id, seller.id, "OWNER");
  world = { ownerId: owner.id, sellerId: seller.id };
});

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** The input issues a BAD_REQUEST carries (the web shows them next to the fields). */
async function inputIssues(promise: Promise<unknown>) {
  const error = await failure(promise);
  expect(error.code).toBe("BAD_REQUEST");
  expect(error.cause).toBeInstanceOf(z.ZodError);
  return (error.cause as z.ZodError).issues.map(({ path, message }) => ({ path, message }));
}

describe("catalog.marketplaces", () => {
  it("lists every registered marketplace with its channels, reply limits and the fields its connectors' credentials schemas require", async () => {
    const catalog = await callerFor(database().prisma, world.ownerId).catalog.marketplaces();
    const registered = listConnectors();
    expect(catalog.map((m) => m.id)).toEqual([...new Set(registered.map((c) => c.marketplace))]);
    for (const marketplace of catalog) {
      const connectors = registered.filter((c) => c.marketplace === marketplace.id);
      expect(marketplace.channels.map((c) => c.channel).sort()).toEqual(connectors.map((c) => c.channel).sort());
      for (const channel of marketplace.channels) {
        const { capabilities } = connectors.find((c) => c.channel === channel.channel)!;
        expect(channel).toEqual({
          channel: channel.channel,
          sendReply: capabilities.sendReply,
          markRead: capabilities.markRead,
          replyText: capabilities.sendReply ? capabilities.replyText : null,
          answersPerItem: channel.channel === "chat" ? "many" : "one",
          editAnswer: channel.channel !== "chat" && capabilities.editReply,
        });
      }
      // Every field any of its connectors' schemas declares, each once.
      const schemaFields = connectors.flatMap((c) => credentialFieldsOf(c.connectorClass.credentialsSchema));
      expect(marketplace.credentialFields.map((f) => f.name).sort()).toEqual([...new Set(schemaFields.map((f) => f.name))].sort());
      for (const field of marketplace.credentialFields) {
        expect(schemaFields.filter((f) => f.name === field.name)).toContainEqual(field);
      }
    }
    // What the built-in connectors' schemas say today.
    const fields = Object.fromEntries(catalog.map((m) => [m.id, m.credentialFields.map((f) => `${f.name}:${f.type}:${f.required}`)]));
    expect(fields).toMatchObject({
      wildberries: ["apiToken:string:true", "clientSecret:string:false"],
      ozon: ["clientId:string:true", "apiKey:string:true"],
      "yandex-market": ["apiKey:string:true", "businessId:string:true"],
    });
    // Wildberries and Yandex Market edit answers through their APIs; Ozon only deletes them.
    const editable = catalog.flatMap((m) => m.channels.filter((c) => c.editAnswer).map((c) => `${m.id}:${c.channel}`));
    expect(editable.sort()).toEqual(["wildberries:question", "wildberries:review", "yandex-market:question", "yandex-market:review"]);
    expect(catalog.find((m) => m.id === "wildberries")?.channels.find((c) => c.channel === "review")?.replyText).toEqual({
      min: 2,
      max: 5000,
    });
  });

  it("is for signed-in users only", async () => {
    expect((await failure(callerFor(database().prisma, null).catalog.marketplaces())).code).toBe("UNAUTHORIZED");
    expect((await failure(callerFor(database().prisma, null).catalog.channels())).code).toBe("UNAUTHORIZED");
  });

  it("catalog.channels lists the channels some registered marketplace serves, in review-question-chat order", async () => {
    const channels = await callerFor(database().prisma, world.ownerId).catalog.channels();
    const served = new Set(listConnectors().map((c) => c.channel));
    expect(channels).toEqual(["review", "question", "chat"].filter((channel) => served.has(channel as ChannelName)));
    expect(channels).toEqual(["review", "question", "chat"]);
  });

  it("shows a newly registered marketplace without any change to the API", async () => {
    class AcmeChat extends BaseChannelConnector<{ apiKey: string }> {
      static override credentialsSchema = z.object({ apiKey: z.string().min(1), shopId: z.string().meta({ secret: false }) });
      readonly marketplace = "acme";
      readonly channel = "chat" as const;
      async listItems(): Promise<ListItemsResult> {
        return { items: [], nextCursor: null };
      }
    }
    registerMarketplace({ id: "acme", displayName: "ACME" });
    registerConnector("acme", "chat", AcmeChat);
    try {
      const catalog = await callerFor(database().prisma, world.ownerId).catalog.marketplaces();
      expect(catalog.find((m) => m.id === ("acme" as MarketplaceName))).toEqual({
        id: "acme",
        displayName: "ACME",
        channels: [{ channel: "chat", sendReply: false, markRead: false, replyText: null, answersPerItem: "many", editAnswer: false }],
        credentialFields: [
          { name: "apiKey", type: "string", required: true, secret: true },
          { name: "shopId", type: "string", required: true, secret: false },
        ],
      });
    } finally {
      unregisterConnector("acme", "chat");
      unregisterMarketplace("acme");
    }
  });
});

describe("marketplace and channel names in the API", () => {
  it("every registered marketplace and channel has its database enum value, and back", () => {
    for (const { marketplace, channel } of listConnectors()) {
      const dbMarketplace = toDbMarketplace(marketplace as MarketplaceName);
      expect(Object.values(DB_MARKETPLACES)).toContain(dbMarketplace);
      expect(fromDbMarketplace(dbMarketplace)).toBe(marketplace);
      expect(Object.values(DB_CHANNELS)).toContain(toDbChannel(channel));
      expect(fromDbChannel(toDbChannel(channel))).toBe(channel);
    }
    expect(() => toDbMarketplace("acme" as MarketplaceName)).toThrow(/no value ACME in the database enum Marketplace/);
    expect(() => toDbChannel("email" as ChannelName)).toThrow(/no value EMAIL/);
  });

  it("account.create refuses an unknown marketplace, and a channel the marketplace does not have, naming the known ones; nothing is stored or queued", async () => {
    const { prisma } = database();
    const caller = callerFor(prisma, world.ownerId);
    const base = { sellerId: world.sellerId, displayName: "Shop", credentials: { apiKey: "k", businessId: "1" } };

    expect(
      await inputIssues(caller.account.create({ ...base, marketplace: "amazon", baseUrls: { review: "http://127.0.0.1:1" } })),
    ).toEqual([{ path: ["marketplace"], message: 'Unknown marketplace "amazon"; known: wildberries, ozon, yandex-market.' }]);
    expect(
      await inputIssues(
        caller.account.create({
          ...base,
          marketplace: "yandex-market",
          baseUrls: { email: "http://127.0.0.1:1", "*": "http://127.0.0.1:2" },
        }),
      ),
    ).toEqual([
      { path: ["baseUrls", "email"], message: 'Unknown channel "email" for yandex-market; its channels: review, question, chat (or "*").' },
    ]);

    expect(await prisma.marketplaceAccount.count({ where: { sellerId: world.sellerId } })).toBe(0);
    expect(queued).toEqual([]);
  });

  it("inbox.list refuses an unknown marketplace or channel filter with the known ones", async () => {
    const caller = callerFor(database().prisma, world.ownerId);
    expect(await inputIssues(caller.inbox.list({ sellerId: world.sellerId, marketplace: "WB" }))).toEqual([
      { path: ["marketplace"], message: 'Unknown marketplace "WB"; known: wildberries, ozon, yandex-market.' },
    ]);
    expect(await inputIssues(caller.inbox.list({ sellerId: world.sellerId, channel: "email" }))).toEqual([
      { path: ["channel"], message: 'Unknown channel "email"; known: review, question, chat.' },
    ]);
    const ok = await caller.inbox.list({ sellerId: world.sellerId, marketplace: "ozon", channel: "question" });
    expect(ok.items).toEqual([]);
  });
});
