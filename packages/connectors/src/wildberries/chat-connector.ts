// Wildberries buyer chat on buyer-chat-api.wildberries.ru.
// WB offers no per-chat history and no "mark as read": messages come only from the seller-wide
// events stream (`/seller/events?next=`), so getUpdates is the message feed and listItems is the
// chat directory (`/seller/chats`) with each chat's latest message.
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
import { MarketplaceRequestError } from "../core/errors";
import type { MarketplaceHttpClient } from "../core/http";
import type {
  ChannelAttachment,
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
import { decodeCursor, encodeCursor, threadSummary, toIso, zId } from "../core/util";
import { createWbClient, wbProductUrl, wildberriesCredentialsSchema, type WildberriesCredentials } from "./common";

// Schemas follow the spec's `Chat`, `Event`, `EventAttachments`, `File`, `Image` and `EventsResult`
// (user-communication.json). The spec marks no response field required and none nullable except
// `errors`; the identity and paging keys (chatID, eventID, addTimestamp, sender, next, totalEvents)
// are kept required because nothing can be stored or paged without them.

const wbGoodCardSchema = z.object({
  nmID: zId.optional(),
  price: z.number().optional(),
  priceCurrency: z.string().optional(),
  rid: z.string().optional(),
  size: z.string().optional(),
});

export const wbChatSchema = z.object({
  chatID: z.string(),
  replySign: z.string().optional(),
  clientName: z.string().optional(),
  goodCard: wbGoodCardSchema.optional(),
  lastMessage: z.object({ text: z.string().optional(), addTimestamp: z.number().int().optional() }).optional(),
});
export type WBChat = z.infer<typeof wbChatSchema>;

const wbFileSchema = z.object({
  contentType: z.string().optional(),
  date: z.string().optional(),
  downloadID: z.string().optional(),
  name: z.string().optional(),
  size: z.number().int().optional(),
  url: z.string().optional(),
});
const wbImageSchema = z.object({ date: z.string().optional(), downloadID: z.string().optional(), url: z.string().optional() });

export const wbEventSchema = z.object({
  chatID: z.string(),
  eventID: z.string(),
  /** Only "message" in the spec; an event without a type is read as a message. */
  eventType: z.string().optional(),
  isNewChat: z.boolean().optional(),
  message: z
    .object({
      text: z.string().optional(),
      attachments: z
        .object({
          files: z.array(wbFileSchema).optional(),
          images: z.array(wbImageSchema).optional(),
          goodCard: wbGoodCardSchema.optional(),
        })
        .optional(),
    })
    .optional(),
  source: z.string().optional(),
  addTimestamp: z.number().int(),
  addTime: z.string().optional(),
  replySign: z.string().optional(),
  sender: z.string(),
  clientName: z.string().optional(),
});
export type WBEvent = z.infer<typeof wbEventSchema>;

const chatsSchema = z.object({ result: z.array(wbChatSchema).optional() });
const eventsSchema = z.object({
  result: z.object({
    next: z.number().int(),
    totalEvents: z.number().int(),
    events: z.array(wbEventSchema).optional(),
  }),
});
const sendSchema = z.object({
  result: z.object({ addTime: z.number().int().optional(), chatID: z.string().optional(), sign: z.string().optional() }).optional(),
  errors: z.array(z.string()).optional(),
});
/** 202 of /seller/download/{id} while the file is under moderation. */
const downloadPendingSchema = z.object({ moderationState: z.string().optional(), retrySeconds: z.number().optional() });

/** A chat file as `/seller/download/{id}` returns it, or "not yet" while WB moderates it. */
export type WBDownload =
  { status: "ready"; bytes: Uint8Array; contentType: string } | { status: "pending"; retrySeconds: number | undefined };

const listCursorSchema = z.object({ after: z.string() });

/** getItem's reading of recent messages stops here (the chat limit allows 10 requests in 10 s). */
const MAX_EVENT_PAGES_PER_LOOKUP = 30;

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
    for (const c of chats) if (c.replySign) this.replySigns.set(c.chatID, c.replySign);
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

  /**
   * Chat directory sorted by chatID (stable while chats are added). Each chat carries its latest
   * message, read from the events stream at `lastMessage.addTimestamp` (for its eventID and sender);
   * the rest of the thread arrives through getUpdates.
   */
  override async listItems(params: ListItemsParams = {}): Promise<ListItemsResult> {
    const take = Math.max(1, params.take ?? 100);
    const after = decodeCursor(params.cursor, listCursorSchema)?.after;
    const chats = (await this.listChats()).sort((a, b) => (a.chatID < b.chatID ? -1 : a.chatID > b.chatID ? 1 : 0));
    const start = after === undefined ? (params.skip ?? 0) : chats.findIndex((c) => c.chatID > after);
    const slice = start < 0 ? [] : chats.slice(start, start + take);
    const done = start < 0 || start + take >= chats.length;
    const latest = await this.latestEvents(slice);
    return {
      items: slice.map((c) => chatToItem(c, latest.get(c.chatID))),
      nextCursor: done ? null : encodeCursor({ after: slice[slice.length - 1]!.chatID }),
    };
  }

  /**
   * The event behind each chat's `lastMessage`. WB has no per-chat history, but the events stream
   * read from just before `lastMessage.addTimestamp` starts with that message; chats whose last
   * messages are close in time share one events page.
   */
  private async latestEvents(chats: WBChat[]): Promise<Map<string, WBEvent>> {
    const found = new Map<string, WBEvent>();
    const pending = new Map<string, number>();
    for (const c of chats) if (c.lastMessage?.addTimestamp) pending.set(c.chatID, c.lastMessage.addTimestamp);
    while (pending.size > 0) {
      const from = Math.min(...pending.values());
      const page = await this.getEvents(Math.max(1, from - 1));
      for (const e of page.events) {
        if (pending.get(e.chatID) === e.addTimestamp && isMessage(e)) found.set(e.chatID, e);
      }
      const newest = page.totalEvents > 0 && page.events.length > 0 ? Math.max(...page.events.map((e) => e.addTimestamp)) : Infinity;
      // A page that does not reach `from` cannot advance the search: settle everything.
      const covered = newest >= from ? newest : Infinity;
      // Chats whose time this page covered are settled (found or not in the stream any more).
      for (const [chatID, at] of pending) if (at <= covered) pending.delete(chatID);
    }
    return found;
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

  /**
   * The chat from `/seller/chats` with its latest message (two requests). Earlier messages are not
   * re-read: they were stored by earlier syncs, and ingest never deletes messages. With
   * `messagesSince`, also the chat's messages from then on, read from the events stream: at most its
   * first 30 pages from that time, where an earlier attempt of a reply lands (chatEventsSince).
   */
  override async getItem({ itemId, messagesSince }: GetItemParams): Promise<ChannelItem | null> {
    const chat = (await this.listChats()).find((c) => c.chatID === itemId);
    if (!chat) return null;
    const latest = (await this.latestEvents([chat])).get(chat.chatID);
    const item = chatToItem(chat, latest);
    if (messagesSince === undefined) return item;
    const events = await this.chatEventsSince(chat.chatID, Date.parse(messagesSince));
    const thread = groupEvents(latest ? [...events, latest] : events)[0];
    return thread ? { ...item, messages: thread.messages, answered: thread.answered } : item;
  }

  /**
   * A chat's message events from `fromMs` on, read from the seller-wide stream for at most
   * MAX_EVENT_PAGES_PER_LOOKUP pages: reply delivery looks for its own earlier attempt, which lands
   * soon after the reply was queued, so the start of the stream holds it. A busier or older stream
   * is read that far only (the latest message is added by the caller), rather than failing a retry.
   */
  private async chatEventsSince(chatID: string, fromMs: number): Promise<WBEvent[]> {
    if (!Number.isFinite(fromMs)) throw new TypeError("messagesSince must be an ISO 8601 time");
    const events: WBEvent[] = [];
    // The stream returns events after `next`: one millisecond earlier takes in those at fromMs.
    let next = Math.max(1, Math.floor(fromMs) - 1);
    for (let pages = 0; pages < MAX_EVENT_PAGES_PER_LOOKUP; pages++) {
      const page = await this.getEvents(next);
      events.push(...page.events.filter((e) => e.chatID === chatID));
      if (page.totalEvents === 0 || page.events.length === 0 || page.next <= next) break;
      next = page.next;
    }
    return events;
  }

  /**
   * `GET /api/v1/seller/download/{id}`: a chat attachment's bytes, or "pending" (202) while WB
   * moderates it. A file that failed moderation (451) or an unknown id (400) is a MarketplaceRequestError.
   */
  async downloadAttachment(downloadId: string): Promise<WBDownload> {
    const res = await this.http.request({
      method: "GET",
      path: `/api/v1/seller/download/${encodeURIComponent(downloadId)}`,
      headers: { accept: "application/pdf, image/jpeg, image/png, application/json" },
      binary: true,
    });
    const bytes = res.bytes ?? new Uint8Array();
    if (res.status === 202) {
      const body = downloadPendingSchema.safeParse(safeJson(bytes));
      return { status: "pending", retrySeconds: body.success ? body.data.retrySeconds : undefined };
    }
    return { status: "ready", bytes, contentType: res.headers.get("content-type") ?? "application/octet-stream" };
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

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

const isMessage = (e: WBEvent) => e.eventType === undefined || e.eventType === "message";

function chatToItem(c: WBChat, latest: WBEvent | undefined): ChannelItem {
  const at = c.lastMessage?.addTimestamp;
  return {
    externalId: c.chatID,
    marketplace: "wildberries",
    channel: "chat",
    text: c.lastMessage?.text ?? "",
    createdAt: toIso(at ?? 0),
    updatedAt: at ? toIso(at) : undefined,
    authorName: c.clientName || undefined,
    product: c.goodCard?.nmID ? { externalId: c.goodCard.nmID, url: wbProductUrl(c.goodCard.nmID) } : undefined,
    // /seller/chats does not say who wrote last; the latest event does.
    answered: latest?.sender === "seller",
    messages: latest ? [eventToMessage(latest)] : undefined,
    raw: c,
  };
}

/** Chat files and images. Files are fetched through `/seller/download/{downloadID}` (see downloadAttachment). */
export function eventAttachments(e: WBEvent): ChannelAttachment[] | undefined {
  const a = e.message?.attachments;
  const images = (a?.images ?? []).map((i): ChannelAttachment => ({
    kind: "image",
    url: i.url || undefined,
    downloadId: i.downloadID || undefined,
  }));
  const files = (a?.files ?? []).map((f): ChannelAttachment => ({
    kind: f.contentType?.startsWith("image/") ? "image" : "file",
    url: f.url || undefined,
    downloadId: f.downloadID || undefined,
    name: f.name || undefined,
    mimeType: f.contentType || undefined,
    sizeBytes: f.size,
  }));
  // A photo may be listed under both images and files with one downloadID: one attachment, with what
  // the file entry adds (name, type, size).
  const all: ChannelAttachment[] = [];
  const byDownloadId = new Map<string, number>();
  for (const entry of [...images, ...files]) {
    if (entry.url === undefined && entry.downloadId === undefined) continue;
    const seen = entry.downloadId === undefined ? undefined : byDownloadId.get(entry.downloadId);
    if (seen === undefined) {
      if (entry.downloadId !== undefined) byDownloadId.set(entry.downloadId, all.length);
      all.push(entry);
    } else {
      // Files come after images: the file entry, keeping the image's URL if it has none.
      all[seen] = { ...entry, url: entry.url ?? all[seen]!.url };
    }
  }
  return all.length > 0 ? all : undefined;
}

function eventToMessage(e: WBEvent): ChannelMessage {
  return {
    externalId: e.eventID,
    // WB's own messages are notices: they neither ask nor answer (threadSummary).
    direction: e.sender === "seller" ? "out" : e.sender === "wb" ? "notice" : "in",
    text: e.message?.text ?? "",
    createdAt: toIso(e.addTimestamp),
    authorName: e.sender === "client" ? e.clientName || undefined : e.sender === "wb" ? "Wildberries" : undefined,
    attachments: eventAttachments(e),
  };
}

/** Groups events into threads in first-seen order; duplicates (same eventID) are dropped. */
export function groupEvents(events: WBEvent[]): ChannelItem[] {
  const threads = new Map<string, { events: WBEvent[]; seen: Set<string> }>();
  for (const e of events) {
    if (!isMessage(e)) continue;
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
    const { text, answered } = threadSummary(messages);
    return {
      externalId: chatID,
      marketplace: "wildberries",
      channel: "chat",
      text,
      createdAt: toIso(first.addTimestamp),
      updatedAt: toIso(last.addTimestamp),
      authorName: client?.clientName || undefined,
      answered,
      messages,
      raw: sorted,
    } satisfies ChannelItem;
  });
}
