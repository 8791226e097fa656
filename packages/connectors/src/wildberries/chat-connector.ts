// Wildberries buyer chat on buyer-chat-api.wildberries.ru.
// WB offers no per-chat history and no "mark as read": messages come only from the seller-wide
// events stream (`/seller/events?next=`), so getUpdates is the message feed and listItems is the
// chat directory (`/seller/chats`) with each chat's last message.
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
import { MarketplaceRequestError } from "../core/errors";
import type { MarketplaceHttpClient } from "../core/http";
import type {
  ChannelItem,
  ChannelMessage,
  ConnectorOptions,
  GetItemParams,
  GetUpdatesParams,
  GetUpdatesResult,
  ListItemsParams,
  ListItemsResult,
  SendReplyParams,
  SendReplyResult,
} from "../core/types";
import { decodeCursor, encodeCursor, toIso, zId } from "../core/util";
import { createWbClient, wildberriesCredentialsSchema, type WildberriesCredentials } from "./common";

export const wbChatSchema = z.object({
  chatID: z.string(),
  replySign: z.string(),
  clientName: z.string().nullish(),
  goodCard: z
    .object({ nmID: zId.nullish(), price: z.number().nullish(), priceCurrency: z.string().nullish(), size: z.string().nullish() })
    .nullish(),
  lastMessage: z.object({ text: z.string().nullish(), addTimestamp: z.number() }).nullish(),
});
export type WBChat = z.infer<typeof wbChatSchema>;

export const wbEventSchema = z.object({
  chatID: z.string(),
  eventID: z.string(),
  eventType: z.string(),
  isNewChat: z.boolean().nullish(),
  message: z
    .object({
      text: z.string().nullish(),
      attachments: z.unknown().nullish(),
    })
    .nullish(),
  source: z.string().nullish(),
  addTimestamp: z.number(),
  addTime: z.string().nullish(),
  replySign: z.string().nullish(),
  sender: z.string(),
  clientName: z.string().nullish(),
});
export type WBEvent = z.infer<typeof wbEventSchema>;

const chatsSchema = z.object({ result: z.array(wbChatSchema).nullable(), errors: z.unknown().nullish() });
const eventsSchema = z.object({
  result: z.object({
    next: z.number(),
    newestEventTime: z.string().nullish(),
    oldestEventTime: z.string().nullish(),
    totalEvents: z.number().int(),
    events: z.array(wbEventSchema).nullable(),
  }),
  errors: z.unknown().nullish(),
});
const sendSchema = z.object({
  result: z.object({ addTime: z.number().nullish(), chatID: z.string().nullish(), sign: z.string().nullish() }).nullish(),
  errors: z.unknown().nullish(),
});

const listCursorSchema = z.object({ after: z.string() });

/** How far back getItem reads the events stream to rebuild one chat. */
export const WB_CHAT_ITEM_LOOKBACK_MS = 30 * 24 * 3600 * 1000;

export class WBChatConnector extends BaseChannelConnector<WildberriesCredentials> {
  static override credentialsSchema = wildberriesCredentialsSchema;
  static override replyTextLimits = { min: 1, max: 1000 };
  readonly marketplace = "wildberries";
  readonly channel = "chat" as const;
  protected readonly http: MarketplaceHttpClient;
  /** replySign by chatID, learnt from /seller/chats and from isNewChat events. */
  private readonly replySigns = new Map<string, string>();

  constructor(credentials: WildberriesCredentials, options: ConnectorOptions = {}) {
    super(credentials, options);
    this.http = createWbClient("chat", this.credentials, options);
  }

  /** `GET /api/v1/seller/chats`: every chat, no pagination upstream. */
  async listChats(): Promise<WBChat[]> {
    const res = await this.http.request({ method: "GET", path: "/api/v1/seller/chats", schema: chatsSchema });
    const chats = res.data.result ?? [];
    for (const c of chats) this.replySigns.set(c.chatID, c.replySign);
    return chats;
  }

  /** `GET /api/v1/seller/events`; `next` (Unix ms) omitted on the first call. */
  async getEvents(next?: number) {
    const res = await this.http.request({ method: "GET", path: "/api/v1/seller/events", query: { next }, schema: eventsSchema });
    const events = res.data.result.events ?? [];
    for (const e of events) if (e.replySign) this.replySigns.set(e.chatID, e.replySign);
    return { ...res.data.result, events };
  }

  /** One events page grouped into chat threads (messages deduplicated by eventID). */
  async fetchMessagesAsChats(next?: number): Promise<{ chats: ChannelItem[]; next: number; totalEvents: number }> {
    const page = await this.getEvents(next);
    return { chats: groupEvents(page.events), next: page.next, totalEvents: page.totalEvents };
  }

  /** Chat directory sorted by chatID (stable while chats are added); messages come via getUpdates. */
  override async listItems(params: ListItemsParams = {}): Promise<ListItemsResult> {
    const take = Math.max(1, params.take ?? 100);
    const after = decodeCursor(params.cursor, listCursorSchema)?.after;
    const chats = (await this.listChats()).sort((a, b) => (a.chatID < b.chatID ? -1 : a.chatID > b.chatID ? 1 : 0));
    const start = after === undefined ? (params.skip ?? 0) : chats.findIndex((c) => c.chatID > after);
    const slice = start < 0 ? [] : chats.slice(start, start + take);
    const done = start < 0 || start + take >= chats.length;
    return { items: slice.map(chatToItem), nextCursor: done ? null : encodeCursor({ after: slice[slice.length - 1]!.chatID }) };
  }

  /**
   * One events page per call. cursor = WB's `next` (Unix ms). Chat items carry only the messages in
   * this page: merge them by message externalId (= eventID).
   */
  override async getUpdates({ cursor }: GetUpdatesParams): Promise<GetUpdatesResult> {
    const next = cursor ? Number(cursor) : undefined;
    if (next !== undefined && !(Number.isInteger(next) && next > 0)) throw new TypeError(`Invalid cursor: ${cursor}`);
    const page = await this.fetchMessagesAsChats(next);
    const nextCursor = page.totalEvents > 0 ? String(page.next) : (cursor ?? String(page.next));
    return { items: page.chats, nextCursor, hasMore: page.totalEvents > 0 };
  }

  /** Chat metadata plus every message of the last 30 days from the events stream. */
  override async getItem({ itemId }: GetItemParams): Promise<ChannelItem | null> {
    const chat = (await this.listChats()).find((c) => c.chatID === itemId);
    if (!chat) return null;
    const events: WBEvent[] = [];
    let next: number | undefined = Date.now() - WB_CHAT_ITEM_LOOKBACK_MS;
    for (let i = 0; i < 1000; i++) {
      const page = await this.getEvents(next);
      if (page.totalEvents === 0 || page.events.length === 0) break;
      events.push(...page.events.filter((e) => e.chatID === itemId));
      next = page.next;
    }
    const thread = groupEvents(events)[0];
    const base = chatToItem(chat);
    return thread
      ? {
          ...base,
          ...thread,
          createdAt: base.createdAt < thread.createdAt ? base.createdAt : thread.createdAt,
          authorName: base.authorName,
          raw: chat,
        }
      : base;
  }

  /** Multipart `POST /api/v1/seller/message` signed with the chat's replySign. */
  override async sendReply({ itemId, text }: SendReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(text);
    let sign = this.replySigns.get(itemId) ?? (await this.refreshSign(itemId));
    try {
      await this.postMessage(sign, text);
    } catch (err) {
      // A stale sign is refreshed once from /seller/chats.
      if (!(err instanceof MarketplaceRequestError && err.status === 400 && /signature/i.test(err.message))) throw err;
      sign = await this.refreshSign(itemId);
      await this.postMessage(sign, text);
    }
    return {};
  }

  private async postMessage(replySign: string, message: string) {
    await this.http.request({
      method: "POST",
      path: "/api/v1/seller/message",
      form: { replySign, message },
      schema: sendSchema,
      once: true,
    });
  }

  private async refreshSign(chatId: string): Promise<string> {
    await this.listChats();
    const sign = this.replySigns.get(chatId);
    if (!sign) {
      throw new MarketplaceRequestError(`wildberries: chat ${chatId} not found`, "chat not found", { marketplace: "wildberries" });
    }
    return sign;
  }
}

function chatToItem(c: WBChat): ChannelItem {
  return {
    externalId: c.chatID,
    marketplace: "wildberries",
    channel: "chat",
    text: c.lastMessage?.text ?? "",
    createdAt: toIso(c.lastMessage?.addTimestamp ?? 0),
    updatedAt: c.lastMessage ? toIso(c.lastMessage.addTimestamp) : undefined,
    authorName: c.clientName ?? undefined,
    product: c.goodCard?.nmID ? { externalId: c.goodCard.nmID } : undefined,
    // /seller/chats does not say who wrote last; the events feed does.
    answered: false,
    raw: c,
  };
}

function eventToMessage(e: WBEvent): ChannelMessage {
  return {
    externalId: e.eventID,
    direction: e.sender === "seller" ? "out" : "in",
    text: e.message?.text ?? "",
    createdAt: toIso(e.addTimestamp),
    authorName: e.sender === "client" ? (e.clientName ?? undefined) : e.sender === "wb" ? "Wildberries" : undefined,
  };
}

/** Groups events into threads in first-seen order; duplicates (same eventID) are dropped. */
export function groupEvents(events: WBEvent[]): ChannelItem[] {
  const threads = new Map<string, { events: WBEvent[]; seen: Set<string> }>();
  for (const e of events) {
    if (e.eventType !== "message") continue;
    let t = threads.get(e.chatID);
    if (!t) threads.set(e.chatID, (t = { events: [], seen: new Set() }));
    if (t.seen.has(e.eventID)) continue;
    t.seen.add(e.eventID);
    t.events.push(e);
  }
  return [...threads.entries()].map(([chatID, t]) => {
    const sorted = t.events.sort((a, b) => a.addTimestamp - b.addTimestamp);
    const messages = sorted.map(eventToMessage);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    const client = sorted.find((e) => e.sender === "client");
    return {
      externalId: chatID,
      marketplace: "wildberries",
      channel: "chat",
      text: last.message?.text ?? "",
      createdAt: toIso(first.addTimestamp),
      updatedAt: toIso(last.addTimestamp),
      authorName: client?.clientName ?? undefined,
      answered: last.sender === "seller",
      messages,
      raw: sorted,
    } satisfies ChannelItem;
  });
}
