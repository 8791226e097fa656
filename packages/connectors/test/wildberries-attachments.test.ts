// Wildberries: token types (limits, hosts, clear errors), chat items with their latest message,
// attachments of reviews and chat messages, chat file downloads, and sandbox fidelity to the spec
// (MissiaL/wildberries-api assets/openapi/user-communication.json).
import { afterEach, describe, expect, it } from "vitest";
import { MarketplaceAuthError, MarketplaceRequestError, RateLimitedError, resetSharedBuckets } from "../src/core/index";
import type { ChannelItem } from "../src/core/types";
import {
  WB_FEEDBACKS_HOST,
  WB_FEEDBACKS_SANDBOX_HOST,
  WBChatConnector,
  WBFeedbacksConnector,
  WBQuestionsConnector,
} from "../src/wildberries/index";
import { SANDBOX_PNG, startWildberriesSandbox, type WildberriesSandbox } from "../src/wildberries/sandbox/index";

const fast = { retryBaseDelayMs: 1, retryMaxDelayMs: 5, maxRetries: 2, rateLimit: false as const };
let sb: WildberriesSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
  resetSharedBuckets();
});

async function start(opts: Parameters<typeof startWildberriesSandbox>[0] = {}) {
  sb = await startWildberriesSandbox({ seed: 11, size: 30, ...opts });
  return sb;
}

async function listAll(c: {
  listItems(p: { cursor?: string | null; take?: number }): Promise<{ items: ChannelItem[]; nextCursor: string | null }>;
}) {
  const items: ChannelItem[] = [];
  let cursor: string | null = null;
  do {
    const page = await c.listItems({ cursor, take: 7 });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe("WB token types", () => {
  it("a test token defaults to feedbacks-api-sandbox; a test token on production or a production token on the sandbox host is refused before any request", async () => {
    const s = await start();
    const test = s.issueToken({ type: "test", categories: ["feedbacks"] });
    const urls: string[] = [];
    const recordOnly: typeof fetch = async (input) => {
      urls.push(input instanceof Request ? input.url : String(input));
      throw new Error("offline");
    };
    await new WBFeedbacksConnector({ apiToken: test }, { ...fast, maxRetries: 0, fetch: recordOnly }).listItems().catch(() => undefined);
    expect(urls).toHaveLength(1);
    expect(urls[0]!.startsWith(`${WB_FEEDBACKS_SANDBOX_HOST}/api/v1/feedbacks?`)).toBe(true);

    expect(() => new WBQuestionsConnector({ apiToken: test }, { baseUrl: WB_FEEDBACKS_HOST })).toThrow(/test token works only against/);
    const personal = s.issueToken({ type: "personal" });
    expect(() => new WBFeedbacksConnector({ apiToken: personal }, { baseUrl: WB_FEEDBACKS_SANDBOX_HOST })).toThrow(MarketplaceAuthError);
    expect(() => new WBFeedbacksConnector({ apiToken: personal }, { baseUrl: WB_FEEDBACKS_SANDBOX_HOST })).toThrow(
      /accepts only test tokens/,
    );
  });

  it("refuses a test token for buyer chat, which has no sandbox, and the chat host answers 401 to one", async () => {
    const s = await start();
    const test = s.issueToken({ type: "test", categories: ["chat"] });
    expect(() => new WBChatConnector({ apiToken: test })).toThrow(/no chat sandbox/);
    const res = await fetch(`${s.chatUrl}/api/v1/seller/chats`, { headers: { Authorization: test } });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("a sandbox-environment feedbacks host serves test tokens and answers 401 to production tokens, with a hint naming the sandbox", async () => {
    const s = await start({ feedbacksEnvironment: "sandbox" });
    const test = s.issueToken({ type: "test", categories: ["feedbacks"] });
    const items = await listAll(new WBFeedbacksConnector({ apiToken: test }, { ...fast, baseUrl: s.feedbacksUrl }));
    expect(items.length).toBe(s.world.feedbacks.length);
    const personal = s.issueToken({ type: "personal", categories: ["feedbacks"] });
    const err = await new WBFeedbacksConnector({ apiToken: personal }, { ...fast, baseUrl: s.feedbacksUrl })
      .listItems()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceAuthError);
    expect((err as Error).message).toMatch(/only test tokens/);
    // The production imitation refuses the test token; the connector's message says where it works.
    const prod = await start();
    const testOnProd = prod.issueToken({ type: "test", categories: ["feedbacks"] });
    const err2 = await new WBFeedbacksConnector({ apiToken: testOnProd }, { ...fast, baseUrl: prod.feedbacksUrl })
      .listItems()
      .catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(MarketplaceAuthError);
    expect((err2 as Error).message).toContain(WB_FEEDBACKS_SANDBOX_HOST);
    await s.close();
  });

  it("a base token with the registered X-Client-Secret gets the personal limits; without it, the hourly base limit", async () => {
    const s = await start();
    const base = s.issueToken({ type: "base", categories: ["feedbacks"] });
    // Documented limits, no override: base+secret → burst 6 (client) and "full" on the server.
    const withSecret = new WBFeedbacksConnector(
      { apiToken: base, clientSecret: s.serviceSecret },
      { baseUrl: s.feedbacksUrl, retryBaseDelayMs: 1 },
    );
    for (let i = 0; i < 4; i++) await withSecret.listFeedbacks({ isAnswered: false, take: 1, skip: 0 });
    expect(s.count429()).toBe(0);
    resetSharedBuckets();
    const other = s.issueToken({ type: "base", categories: ["feedbacks"], sellerId: "another-seller" });
    // A blank secret (an empty form field) is no secret.
    const without = new WBFeedbacksConnector({ apiToken: other, clientSecret: " " }, { baseUrl: s.feedbacksUrl, retryBaseDelayMs: 1 });
    await without.listFeedbacks({ isAnswered: false, take: 1, skip: 0 });
    await expect(without.listFeedbacks({ isAnswered: false, take: 1, skip: 0 })).rejects.toBeInstanceOf(RateLimitedError);
    // The server too: a wrong secret is a plain base token.
    const raw = async (secret?: string) =>
      (
        await fetch(`${s.feedbacksUrl}/api/v1/feedbacks/count-unanswered`, {
          headers: {
            Authorization: s.issueToken({ type: "base", categories: ["feedbacks"], sellerId: `s-${secret}` }),
            ...(secret && { "X-Client-Secret": secret }),
          },
        })
      ).status;
    expect([await raw("wrong"), await raw("wrong")]).toEqual([200, 429]);
  });
});

describe("WB chat: items carry their latest message", () => {
  it("listItems gives each chat its latest message with the events stream's eventID, sender and time", async () => {
    // Server limits off: this counts on the lookup, not on the 10 req/10 s budget (tested elsewhere).
    const s = await start({ eventsPageSize: 5, rateLimits: false });
    const [first, second] = [...s.world.chats.keys()];
    s.addChatMessage({ chatID: second!, sender: "seller", text: "Ответ продавца" });
    const c = new WBChatConnector({ apiToken: s.issueToken({ categories: ["chat"] }) }, { ...fast, baseUrl: s.chatUrl });
    const items = await listAll(c);
    expect(items.map((i) => i.externalId).sort()).toEqual([...s.world.chats.keys()].sort());
    for (const item of items) {
      const last = s.world.lastEvent(item.externalId)!;
      expect(item.messages).toHaveLength(1);
      expect(item.messages![0]).toMatchObject({
        externalId: last.eventID,
        direction: last.sender === "seller" ? "out" : "in",
        createdAt: new Date(last.addTimestamp).toISOString(),
      });
      expect(item.answered).toBe(last.sender === "seller");
    }
    expect(items.find((i) => i.externalId === second)).toMatchObject({
      answered: true,
      messages: [{ text: "Ответ продавца", direction: "out" }],
    });
    expect(items.find((i) => i.externalId === first)!.product?.url).toMatch(/^https:\/\/www\.wildberries\.ru\/catalog\/\d+\/detail\.aspx$/);
  });

  it("getItem reads the chat list and one events page, not 30 days of events", async () => {
    const s = await start({ eventsPageSize: 3 });
    const chatID = [...s.world.chats.keys()][4]!;
    const requests: string[] = [];
    const c = new WBChatConnector(
      { apiToken: s.issueToken({ categories: ["chat"] }) },
      { ...fast, baseUrl: s.chatUrl, onRequest: (r) => requests.push(new URL(r.url).pathname) },
    );
    const item = await c.getItem({ itemId: chatID });
    expect(item?.messages?.map((m) => m.externalId)).toEqual([s.world.lastEvent(chatID)!.eventID]);
    expect(requests).toEqual(["/api/v1/seller/chats", "/api/v1/seller/events"]);
  });
});

describe("WB attachments", () => {
  it("review photos (full size + thumbnail) and videos become attachments; feedbacks without them have none", async () => {
    const s = await start();
    const c = new WBFeedbacksConnector({ apiToken: s.issueToken({ categories: ["feedbacks"] }) }, { ...fast, baseUrl: s.feedbacksUrl });
    const items = new Map((await listAll(c)).map((i) => [i.externalId, i]));
    const withPhoto = s.world.feedbacks.find((f) => f.hasPhotos)!;
    const withVideo = s.world.feedbacks.find((f) => f.hasVideo)!;
    const plain = s.world.feedbacks.find((f) => !f.hasPhotos && !f.hasVideo)!;
    expect(items.get(withPhoto.id)!.attachments).toContainEqual({
      kind: "image",
      url: `https://feedback04.wbbasket.ru/vol${withPhoto.seq}/photos/fs.webp`,
      previewUrl: `https://feedback04.wbbasket.ru/vol${withPhoto.seq}/photos/ms.webp`,
    });
    expect(items.get(withVideo.id)!.attachments).toContainEqual({
      kind: "video",
      url: `https://videofeedback01.wbbasket.ru/${withVideo.id}/index.m3u8`,
      previewUrl: `https://videofeedback01.wbbasket.ru/${withVideo.id}/preview.webp`,
      mimeType: "application/vnd.apple.mpegurl",
    });
    expect(items.get(plain.id)!.attachments).toBeUndefined();
    expect(items.get(plain.id)!.product?.url).toBe(`https://www.wildberries.ru/catalog/${plain.nmId}/detail.aspx`);
  });

  it("reads photoLinks/video null and every optional field absent (sparse sandbox) without attachments or errors", async () => {
    const s = await start();
    s.mode.sparse = true;
    const c = new WBFeedbacksConnector({ apiToken: s.issueToken({ categories: ["feedbacks"] }) }, { ...fast, baseUrl: s.feedbacksUrl });
    const items = await listAll(c);
    expect(items).toHaveLength(s.world.feedbacks.length);
    expect(items.every((i) => i.attachments === undefined && i.product === undefined && i.text === "")).toBe(true);
    const chat = new WBChatConnector({ apiToken: s.issueToken({ categories: ["chat"] }) }, { ...fast, baseUrl: s.chatUrl });
    const { items: threads } = await chat.getUpdates({ cursor: null });
    expect(threads.length).toBeGreaterThan(0);
    expect(threads.flatMap((t) => t.messages ?? []).every((m) => m.attachments === undefined && m.text === "")).toBe(true);
  });

  it("chat files and images become message attachments with type, name and size, one per file, downloadable through the connector", async () => {
    const s = await start();
    const c = new WBChatConnector({ apiToken: s.issueToken({ categories: ["chat"] }) }, { ...fast, baseUrl: s.chatUrl });
    const messages = [];
    for (let cursor: string | null = null; ;) {
      const page = await c.getUpdates({ cursor });
      messages.push(...page.items.flatMap((i) => i.messages ?? []));
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    const withFiles = s.world.events.filter((e) => e.files.length > 0);
    expect(withFiles.length).toBeGreaterThan(0);
    for (const e of s.world.events) {
      const m = messages.find((x) => x.externalId === e.eventID)!;
      if (e.files.length === 0) {
        expect(m.attachments).toBeUndefined();
        continue;
      }
      // One attachment per file, although WB lists a photo under both images and files.
      expect(m.attachments).toHaveLength(e.files.length);
      const f = e.files[0]!;
      expect(m.attachments).toContainEqual({
        kind: f.contentType.startsWith("image/") ? "image" : "file",
        url: `https://chat-files.wildberries.ru/${f.downloadID}`,
        downloadId: f.downloadID,
        name: f.name,
        mimeType: f.contentType,
        sizeBytes: f.data.length,
      });
    }
    const png = withFiles.flatMap((e) => e.files).find((f) => f.contentType === "image/png")!;
    const got = await c.downloadAttachment(png.downloadID);
    expect(got).toEqual({ status: "ready", bytes: new Uint8Array(SANDBOX_PNG), contentType: "image/png" });
  });

  it("a file under moderation is 'pending' (202), a failed one (451) and an unknown id (400) are request errors", async () => {
    const s = await start();
    const c = new WBChatConnector({ apiToken: s.issueToken({ categories: ["chat"] }) }, { ...fast, baseUrl: s.chatUrl });
    const pending = s.world.storeFile({ name: "a.png", contentType: "image/png", data: SANDBOX_PNG, moderation: "pending" });
    const failed = s.world.storeFile({ name: "b.png", contentType: "image/png", data: SANDBOX_PNG, moderation: "failed" });
    await expect(c.downloadAttachment(pending.downloadID)).resolves.toEqual({ status: "pending", retrySeconds: 30 });
    await expect(c.downloadAttachment(failed.downloadID)).rejects.toMatchObject({ status: 451 });
    const unknown = await c.downloadAttachment("no-such-file").catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(MarketplaceRequestError);
    expect(unknown).toMatchObject({ status: 400 });
  });

  it("files the seller sends with seller/message are stored and listed as the event's attachments", async () => {
    const s = await start();
    const chat = [...s.world.chats.values()][0]!;
    const form = new FormData();
    form.set("replySign", chat.replySign);
    form.set("message", "Смотрите чек");
    form.append("file", new Blob([SANDBOX_PNG], { type: "image/png" }), "check.png");
    const res = await fetch(`${s.chatUrl}/api/v1/seller/message`, {
      method: "POST",
      headers: { Authorization: s.issueToken({ categories: ["chat"] }) },
      body: form,
    });
    expect(res.status).toBe(200);
    const last = s.world.lastEvent(chat.chatID)!;
    expect(last.files.map((f) => [f.name, f.contentType, f.data.length])).toEqual([["check.png", "image/png", SANDBOX_PNG.length]]);
  });
});

describe("WB sandbox follows the spec's shapes", () => {
  it("events carry attachments as an object or not at all, and an empty page omits newest/oldestEventTime instead of null", async () => {
    const s = await start();
    const t = s.issueToken({ categories: ["chat"] });
    const page = (await (await fetch(`${s.chatUrl}/api/v1/seller/events`, { headers: { Authorization: t } })).json()) as {
      result: { next: number; events: Array<{ message: Record<string, unknown> }> };
    };
    for (const e of page.result.events) {
      if ("attachments" in e.message) expect(e.message.attachments).toMatchObject({ files: expect.any(Array), images: expect.any(Array) });
    }
    const last = s.world.events.at(-1)!.addTimestamp;
    const empty = (await (await fetch(`${s.chatUrl}/api/v1/seller/events?next=${last}`, { headers: { Authorization: t } })).json()) as {
      result: Record<string, unknown>;
    };
    expect(empty.result).toMatchObject({ totalEvents: 0, events: [] });
    expect(empty.result).not.toHaveProperty("newestEventTime");
    expect(empty.result).not.toHaveProperty("oldestEventTime");
  });

  it("seller/message answers 400 as application/problem+json, feedbacks/answer answers a too-short text with standardizedFQError", async () => {
    const s = await start();
    const form = new FormData();
    form.set("replySign", "unknown-sign");
    form.set("message", "x");
    const chat400 = await fetch(`${s.chatUrl}/api/v1/seller/message`, {
      method: "POST",
      headers: { Authorization: s.issueToken({ categories: ["chat"] }) },
      body: form,
    });
    expect(chat400.status).toBe(400);
    expect(chat400.headers.get("content-type")).toContain("application/problem+json");
    expect(await chat400.json()).toMatchObject({ detail: "Invalid signature", status: 400 });

    const fb = s.world.feedbacks.find((f) => !f.answer)!;
    const answer400 = await fetch(`${s.feedbacksUrl}/api/v1/feedbacks/answer`, {
      method: "POST",
      headers: { Authorization: s.issueToken({ categories: ["feedbacks"] }), "content-type": "application/json" },
      body: JSON.stringify({ id: fb.id, text: "a" }),
    });
    expect(answer400.status).toBe(400);
    const body = (await answer400.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["detail", "origin", "requestId", "title"]);
  });
});
