import { describe, expect, it } from "vitest";
import { z } from "zod";
import "../src/index";
import {
  BaseChannelConnector,
  ConnectorCredentialsError,
  credentialFieldsOf,
  getConnector,
  listConnectors,
  listMarketplaces,
  NotImplementedError,
  registerConnector,
  registerMarketplace,
  unregisterConnector,
  unregisterMarketplace,
  UnknownConnectorError,
  type ListItemsResult,
} from "../src/core/index";
import { connectorsWithoutTarget } from "../src/testing/conformance";
import { WBChatConnector, WBFeedbacksConnector, WBQuestionsConnector } from "../src/wildberries/index";

const creds = { apiToken: "token-value" };

describe("registry", () => {
  it("resolves marketplace and channel case-insensitively", () => {
    expect(getConnector("WildBerries", "REVIEW", creds)).toBeInstanceOf(WBFeedbacksConnector);
    const padded: string = " wildberries ";
    expect(getConnector(padded, "Chat", creds)).toBeInstanceOf(WBChatConnector);
  });

  it("accepts the wb alias for wildberries", () => {
    const c: WBQuestionsConnector = getConnector("wb", "question", creds);
    expect(c).toBeInstanceOf(WBQuestionsConnector);
    expect(getConnector("WB", "review", creds)).toBeInstanceOf(WBFeedbacksConnector);
  });

  it("throws UnknownConnectorError with the exact message for an unknown pair", () => {
    const marketplace: string = "amazon";
    const channel: string = "chat";
    expect(() => getConnector(marketplace, channel, creds)).toThrow(UnknownConnectorError);
    expect(() => getConnector(marketplace, channel, creds)).toThrow("Unknown connector: marketplace=amazon, channel=chat");
  });

  it("rejects an unknown literal pair at compile time and at runtime", () => {
    // @ts-expect-error "email" is not a registered wildberries channel
    expect(() => getConnector("wildberries", "email", creds)).toThrow("Unknown connector: marketplace=wildberries, channel=email");
  });

  it("checks the credentials' type at compile time and their content at runtime", () => {
    // @ts-expect-error WB credentials need apiToken
    expect(() => getConnector("wildberries", "review", { token: "x" })).toThrow(ConnectorCredentialsError);
    expect(() => getConnector("wildberries", "review", { apiToken: "" })).toThrow(/WBFeedbacksConnector.*"apiToken"/);
    const err = (() => {
      try {
        new WBChatConnector({} as never);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConnectorCredentialsError);
    expect((err as ConnectorCredentialsError).connectorName).toBe("WBChatConnector");
    expect((err as ConnectorCredentialsError).field).toBe("apiToken");
    expect((err as ConnectorCredentialsError).code).toBe("INVALID_CREDENTIALS");
  });

  it("lists registrations with honest capabilities", () => {
    const review = listConnectors().find((c) => c.marketplace === "wildberries" && c.channel === "review");
    expect(review).toMatchObject({
      className: "WBFeedbacksConnector",
      capabilities: { sendReply: true, markRead: false, getUpdates: true, getItem: true, replyText: { min: 2, max: 5000 } },
    });
    const question = listConnectors().find((c) => c.marketplace === "wildberries" && c.channel === "question");
    expect(question?.capabilities.markRead).toBe(true);
    const chat = listConnectors().find((c) => c.marketplace === "wildberries" && c.channel === "chat");
    expect(chat?.capabilities).toMatchObject({ markRead: false, replyText: { min: 1, max: 1000 } });
  });

  it("reports NotImplementedError as '<Class> does not implement <method>'", async () => {
    const c = getConnector("wildberries", "review", creds);
    await expect(c.markRead({ itemId: "x" })).rejects.toThrow(new NotImplementedError("WBFeedbacksConnector", "markRead"));
    await expect(c.markRead({ itemId: "x" })).rejects.toThrow("WBFeedbacksConnector does not implement markRead");
  });

  it("derives capabilities from the methods a class overrides", () => {
    class FakeConnector extends BaseChannelConnector<{ key: string }> {
      static override credentialsSchema = z.object({ key: z.string() });
      readonly marketplace = "fake";
      readonly channel = "chat" as const;
      async listItems(): Promise<ListItemsResult> {
        return { items: [], nextCursor: null };
      }
      override async markRead(): Promise<boolean> {
        return true;
      }
    }
    registerConnector("Fake", "chat", FakeConnector);
    try {
      const entry = listConnectors().find((c) => c.marketplace === "fake");
      expect(entry?.capabilities).toMatchObject({ markRead: true, sendReply: false, getUpdates: false, getItem: false });
      expect(new FakeConnector({ key: "k" }).capabilities.markRead).toBe(true);
      // A connector registered without a conformance target is reported (and fails the suite).
      expect(connectorsWithoutTarget(listConnectors()).map((e) => e.className)).toContain("FakeConnector");
    } finally {
      unregisterConnector("fake", "chat");
    }
  });
});

describe("marketplace catalog", () => {
  it("lists every marketplace with a connector, its channels in review-question-chat order and one credentials form", () => {
    const catalog = listMarketplaces();
    expect(catalog.map((m) => m.id)).toEqual([...new Set(listConnectors().map((c) => c.marketplace))]);
    for (const marketplace of catalog) {
      const registered = listConnectors().filter((c) => c.marketplace === marketplace.id);
      expect(marketplace.channels.map((c) => c.channel).sort()).toEqual(registered.map((c) => c.channel).sort());
      for (const { channel, capabilities } of marketplace.channels) {
        expect(capabilities).toEqual(registered.find((c) => c.channel === channel)!.capabilities);
      }
    }
    const wildberries = catalog.find((m) => m.id === "wildberries")!;
    expect(wildberries.channels.map((c) => c.channel)).toEqual(["review", "question", "chat"]);
    expect(wildberries.credentialFields).toEqual([
      expect.objectContaining({ name: "apiToken", type: "string", required: true, secret: true }),
      expect.objectContaining({ name: "clientSecret", type: "string", required: false, secret: true }),
    ]);
    const ozon = catalog.find((m) => m.id === "ozon")!;
    expect(ozon.displayName).toBe("Ozon");
    expect(ozon.credentialFields.find((field) => field.name === "clientId")).toMatchObject({ secret: false, label: "Client-Id" });
  });

  it("reads field type, required, secret and label from the credentials schema", () => {
    const schema = z.object({
      apiKey: z.string().trim().min(1),
      shopId: z.number().int().meta({ secret: false, title: "Shop id" }),
      campaignId: z.union([z.number(), z.string().regex(/^\d+$/)]).meta({ secret: false }),
      region: z.string().optional().describe("Region code"),
    });
    expect(credentialFieldsOf(schema)).toEqual([
      { name: "apiKey", type: "string", required: true, secret: true },
      { name: "shopId", type: "number", required: true, secret: false, label: "Shop id" },
      { name: "campaignId", type: "string", required: true, secret: false },
      { name: "region", type: "string", required: false, secret: true, description: "Region code" },
    ]);
    expect(credentialFieldsOf(z.unknown())).toEqual([]);
  });

  it("adds a new marketplace from its registration alone: descriptor, alias and the union of its channels' fields", () => {
    const make = (channel: "review" | "chat", schema: z.ZodType) =>
      class extends BaseChannelConnector<unknown> {
        static override credentialsSchema = schema;
        readonly marketplace = "acme";
        readonly channel = channel;
        async listItems(): Promise<ListItemsResult> {
          return { items: [], nextCursor: null };
        }
      };
    const Chat = make("chat", z.object({ apiKey: z.string(), region: z.string().optional().meta({ secret: false }) }));
    const Review = make("review", z.object({ apiKey: z.string(), region: z.string().meta({ secret: false }) }));
    registerMarketplace({ id: "Acme", displayName: "ACME Market", aliases: ["ac"] });
    registerConnector("acme", "chat", Chat);
    registerConnector("acme", "review", Review);
    try {
      const acme = listMarketplaces().find((m) => m.id === "acme");
      expect(acme).toMatchObject({ displayName: "ACME Market", channels: [{ channel: "review" }, { channel: "chat" }] });
      expect(acme?.credentialFields).toEqual([
        { name: "apiKey", type: "string", required: true, secret: true },
        { name: "region", type: "string", required: true, secret: false },
      ]);
      expect(getConnector("AC" as string, "chat", { apiKey: "k" })).toBeInstanceOf(Chat);
    } finally {
      unregisterConnector("acme", "chat");
      unregisterConnector("acme", "review");
      unregisterMarketplace("acme");
    }
    expect(listMarketplaces().find((m) => m.id === "acme")).toBeUndefined();
    expect(() => getConnector("ac" as string, "chat", { apiKey: "k" })).toThrow(UnknownConnectorError);
  });
});
