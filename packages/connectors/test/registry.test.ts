import { describe, expect, it } from "vitest";
import { z } from "zod";
import "../src/index";
import {
  BaseChannelConnector,
  ConnectorCredentialsError,
  getConnector,
  listConnectors,
  NotImplementedError,
  registerConnector,
  unregisterConnector,
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
