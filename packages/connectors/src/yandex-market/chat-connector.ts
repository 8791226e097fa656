// Yandex Market buyer chats (channel "chat"): POST v2/businesses/{businessId}/chats (pageToken),
// …/chats/history, …/chats/message and GET …/chat. The API has no "mark read" method for chats, so
// markRead is not implemented (capabilities say so).
import { z } from "zod";
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
import { MarketplaceRequestError } from "../core/errors";
import { decodeCursor, encodeCursor, threadSummary, toIso } from "../core/util";
import { YandexMarketConnector, type YandexMarketCredentials } from "./client";
import {
  ymChatHistoryResponseSchema,
  ymChatListResponseSchema,
  ymChatResponseSchema,
  ymOkResponseSchema,
  type YmChat,
  type YmMessage,
} from "./schemas";

export interface YmChatListParams {
  pageToken?: string;
  /** 1…20. Default 20. */
  limit?: number;
  /** ChatStatusType: NEW, WAITING_FOR_CUSTOMER, WAITING_FOR_PARTNER, … */
  statuses?: string[];
  /** ChatType: CHAT or ARBITRAGE. */
  types?: string[];
  /** ChatContextType: ORDER, RETURN or DIRECT. */
  contextTypes?: string[];
}

const CHATS_PAGE_MAX = 20;
const HISTORY_PAGE_MAX = 100;
/**
 * Changed chats one list scan hands to the following getUpdates calls through the cursor, so
 * draining a large change set scans the chat list once per this many chats, not once per page.
 */
const UPDATES_QUEUE_MAX = 1000;

/** A chat found changed by a scan: [chatId, updatedAt, createdAt] (ISO). */
const queuedChatSchema = z.tuple([z.string(), z.string(), z.string()]);
type QueuedChat = z.infer<typeof queuedChatSchema>;
const updatesCursorSchema = z.object({ t: z.string(), id: z.string(), q: z.array(queuedChatSchema).optional() });

interface ActivityKey {
  t: string;
  id: string;
}

/** Orders chats by (updatedAt, chatId): the getUpdates checkpoint compares against this. */
function compareActivity(a: ActivityKey, b: ActivityKey): number {
  const dt = Date.parse(a.t) - Date.parse(b.t);
  if (dt !== 0) return dt;
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}

const IMAGE_NAME = /\.(jpe?g|png|gif|webp|heic|bmp)$/i;

export class YandexMarketChatConnector extends YandexMarketConnector {
  /** POST …/chats/message: message 1…4096 characters. */
  static override replyTextLimits = { min: 1, max: 4096 };

  readonly channel = "chat";

  constructor(credentials: YandexMarketCredentials, options: ConnectorOptions = {}) {
    super(credentials, options, "v2");
  }

  // ---- Yandex Market methods ---------------------------------------------------------------

  async listChats(params: YmChatListParams = {}) {
    const res = await this.call("chats", {
      method: "POST",
      path: "/chats",
      query: { limit: Math.min(CHATS_PAGE_MAX, Math.max(1, params.limit ?? CHATS_PAGE_MAX)), pageToken: params.pageToken },
      json: {
        ...(params.statuses ? { statuses: params.statuses } : {}),
        ...(params.types ? { types: params.types } : {}),
        ...(params.contextTypes ? { contextTypes: params.contextTypes } : {}),
      },
      schema: ymChatListResponseSchema,
    });
    return res.data.result ?? { chats: [] };
  }

  /** GET …/chat (1 000 requests an hour); undefined when the response carries no chat. */
  async getChat(chatId: string): Promise<YmChat | undefined> {
    const res = await this.call("chat", {
      method: "GET",
      path: "/chat",
      query: { chatId },
      schema: ymChatResponseSchema,
    });
    return res.data.result;
  }

  async getChatHistoryPage(chatId: string, pageToken?: string, messageIdFrom?: string) {
    const res = await this.call("history", {
      method: "POST",
      path: "/chats/history",
      query: { chatId, limit: HISTORY_PAGE_MAX, pageToken },
      json: messageIdFrom ? { messageIdFrom: Number(messageIdFrom) } : {},
      schema: ymChatHistoryResponseSchema,
    });
    return res.data.result;
  }

  /** Every message of a chat, oldest first, and the chat's context (customer) from the history. */
  async getAllMessages(chatId: string): Promise<{ messages: YmMessage[]; customerName?: string }> {
    const byId = new Map<string, YmMessage>();
    let customerName: string | undefined;
    let pageToken: string | undefined;
    for (let pages = 0; pages < 10_000; pages++) {
      const page = await this.getChatHistoryPage(chatId, pageToken);
      if (!page) break;
      customerName ??= page.context.customer?.name;
      for (const m of page.messages) byId.set(m.messageId, m);
      const next = page.paging?.nextPageToken;
      if (!next || next === pageToken || page.messages.length === 0) break;
      pageToken = next;
    }
    const messages = [...byId.values()].sort((a, b) => {
      const x = BigInt(a.messageId);
      const y = BigInt(b.messageId);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return { messages, customerName };
  }

  async sendMessage(chatId: string, message: string): Promise<void> {
    await this.call("message", {
      method: "POST",
      path: "/chats/message",
      query: { chatId },
      json: { message },
      schema: ymOkResponseSchema,
      once: true,
    });
  }

  // ---- unified interface -------------------------------------------------------------------

  override async listItems(params: ListItemsParams = {}): Promise<ListItemsResult> {
    const page = await this.listChats({ pageToken: params.cursor ?? undefined, limit: params.take });
    const items: ChannelItem[] = [];
    for (const chat of page.chats) items.push(await this.toItem(queued(chat), chat.context.customer?.name));
    return { items, nextCursor: page.paging?.nextPageToken || null };
  }

  /**
   * Chats whose last message (updatedAt) is after the checkpoint (updatedAt, chatId), oldest change
   * first; history is read only for those. The spec offers no "changed since" filter or sort for
   * the chat list, so a scan reads the list (20 chats a request, 5 000 requests an hour) and keeps
   * the changed chats in the cursor: later calls deliver them without scanning again. The scan is
   * not atomic; as updatedAt grows with time, re-reading the pages before the one holding the
   * newest updatedAt makes sure no change at or before it is missed.
   */
  override async getUpdates(params: GetUpdatesParams): Promise<GetUpdatesResult> {
    const cursor = decodeCursor(params.cursor, updatesCursorSchema);
    const since = cursor ? { t: cursor.t, id: cursor.id } : undefined;
    const take = Math.max(1, params.take ?? 50);
    let queue: QueuedChat[] = cursor?.q ?? [];
    let truncated = false;
    if (queue.length === 0) {
      const changed = await this.scanChangedSince(since);
      truncated = changed.length > UPDATES_QUEUE_MAX;
      queue = changed.slice(0, UPDATES_QUEUE_MAX);
    }
    const batch = queue.slice(0, take);
    const rest = queue.slice(take);
    const items: ChannelItem[] = [];
    for (const chat of batch) items.push(await this.toItem(chat));
    const lastChat = batch.at(-1);
    const last = lastChat ? { t: lastChat[1], id: lastChat[0] } : (since ?? { t: new Date(0).toISOString(), id: "0" });
    return {
      items,
      nextCursor: encodeCursor({ ...last, ...(rest.length > 0 ? { q: rest } : {}) }),
      hasMore: rest.length > 0 || truncated,
    };
  }

  override async sendReply(params: SendReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(params.text);
    await this.sendMessage(params.itemId, params.text);
    return {};
  }

  override async getItem(params: GetItemParams): Promise<ChannelItem | null> {
    if (!/^\d+$/.test(params.itemId)) return null; // chat ids are int64; anything else cannot exist
    try {
      const chat = await this.getChat(params.itemId);
      return chat ? await this.toItem(queued(chat), chat.context.customer?.name) : null;
    } catch (err) {
      if (err instanceof MarketplaceRequestError && err.status === 404) return null;
      throw err;
    }
  }

  /** The chats changed after `since`, in (updatedAt, chatId) order. */
  private async scanChangedSince(since: ActivityKey | undefined): Promise<QueuedChat[]> {
    const latest = new Map<string, QueuedChat>();
    const keyOf = (c: QueuedChat): ActivityKey => ({ t: c[1], id: c[0] });
    const record = (chat: YmChat): ActivityKey => {
      const entry = queued(chat);
      const known = latest.get(entry[0]);
      if (!known || compareActivity(keyOf(entry), keyOf(known)) > 0) latest.set(entry[0], entry);
      return keyOf(entry);
    };
    const pageTokens: Array<string | undefined> = [];
    let newest: { key: ActivityKey; page: number } | undefined;
    let pageToken: string | undefined;
    for (let pageNo = 0; pageNo < 100_000; pageNo++) {
      pageTokens.push(pageToken);
      const page = await this.listChats({ pageToken });
      for (const chat of page.chats) {
        const key = record(chat);
        if (!newest || compareActivity(key, newest.key) > 0) newest = { key, page: pageNo };
      }
      const next = page.paging?.nextPageToken;
      if (!next || next === pageToken) break;
      pageToken = next;
    }
    for (let pageNo = 0; pageNo < (newest?.page ?? 0); pageNo++) {
      const page = await this.listChats({ pageToken: pageTokens[pageNo] });
      for (const chat of page.chats) record(chat);
    }
    return [...latest.values()]
      .filter((c) => !since || compareActivity(keyOf(c), since) > 0)
      .sort((a, b) => compareActivity(keyOf(a), keyOf(b)));
  }

  private async toItem([chatId, updatedAt, createdAt]: QueuedChat, listedCustomerName?: string): Promise<ChannelItem> {
    const history = await this.getAllMessages(chatId);
    const customerName = listedCustomerName ?? history.customerName;
    const messages: ChannelMessage[] = history.messages.map((m) => {
      const sender = m.sender.toUpperCase();
      const out: ChannelMessage = {
        externalId: m.messageId,
        direction: sender === "PARTNER" ? "out" : MARKET_AUTHORS[sender] ? "notice" : "in",
        text: m.message ?? "",
        createdAt: toIso(m.createdAt),
      };
      const attachments = (m.payload ?? []).map((p): ChannelAttachment => ({
        kind: IMAGE_NAME.test(p.name) ? "image" : "file",
        url: p.url,
        name: p.name,
        sizeBytes: p.size,
      }));
      if (attachments.length > 0) out.attachments = attachments;
      if (sender === "CUSTOMER" && customerName) out.authorName = customerName;
      if (MARKET_AUTHORS[sender]) out.authorName = MARKET_AUTHORS[sender];
      return out;
    });
    const item: ChannelItem = {
      externalId: chatId,
      marketplace: "yandex-market",
      channel: "chat",
      ...threadSummary(messages),
      createdAt: createdAt,
      updatedAt: updatedAt,
      messages,
    };
    if (customerName) item.authorName = customerName;
    return item;
  }
}

/** Senders that are neither the buyer nor the seller (ChatMessageSenderType): notices, named. */
const MARKET_AUTHORS: Record<string, string> = { MARKET: "Yandex Market", SUPPORT: "Yandex Market support" };

function queued(chat: YmChat): QueuedChat {
  return [chat.chatId, toIso(chat.updatedAt), toIso(chat.createdAt)];
}
