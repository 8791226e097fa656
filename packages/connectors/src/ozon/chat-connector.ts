// Ozon buyer chats (channel "chat"): /v3/chat/list (cursor), /v3/chat/history, /v1/chat/send/message
// and /v2/chat/read. Buyer conversations are BUYER_SELLER and BUYER_SELLER_SELECT chats (types and
// statuses compared case-insensitively: the schema's enum writes `ALL`, its text `All`); message ids
// are uint64 and stay decimal strings end to end (core's HTTP layer parses them losslessly).
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
import type {
  ChannelItem,
  ChannelMessage,
  ConnectorOptions,
  GetItemParams,
  GetUpdatesParams,
  GetUpdatesResult,
  ListItemsParams,
  ListItemsResult,
  MarkReadParams,
  SendReplyParams,
  SendReplyResult,
} from "../core/types";
import { decodeCursor, encodeCursor, threadSummary } from "../core/util";
import type { MarketplaceHttpClient } from "../core/http";
import {
  createOzonHttpClient,
  isNotFound,
  joinMessageData,
  mapConcurrently,
  ozonCredentialsSchema,
  ozonPost,
  type OzonCredentials,
} from "./client";
import {
  chatHistoryV3Schema,
  chatListV3Schema,
  chatReadSchema,
  chatSendMessageSchema,
  type OzonChatHistoryV3,
  type OzonChatListEntry,
  type OzonChatListV3,
  type OzonChatMessage,
} from "./schemas";

export interface OzonChatListParams {
  cursor?: string;
  /** 1…100 (v3ChatList: "Максимальное значение — 100"). Default 100. */
  limit?: number;
  chatStatus?: "ALL" | "OPENED" | "CLOSED";
  unreadOnly?: boolean;
}

export interface OzonChatHistoryParams {
  chatId: string;
  direction?: "Forward" | "Backward";
  /** uint64 as a decimal string. */
  fromMessageId?: string;
  /** 1…1000. Default 1000. */
  limit?: number;
}

/** /v3/chat/list accepts limit 1…100; larger values are a 400 validation error. */
export const CHAT_LIST_MAX = 100;
/** /v3/chat/history accepts limit up to 1000. */
export const CHAT_HISTORY_MAX = 1000;

/** Compares uint64 decimal strings without losing precision. */
export function compareMessageIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Chat types that are conversations with a buyer (Ozon Select orders have their own type). */
const BUYER_CHAT_TYPES = new Set(["buyer_seller", "buyer_seller_select"]);

export function isBuyerChat(entry: OzonChatListEntry): boolean {
  return BUYER_CHAT_TYPES.has((entry.chat.chat_type ?? "").toLowerCase());
}

const updatesCursorSchema = z.object({ after: z.string().regex(/^\d+$/) });

/**
 * Who wrote a message when it is neither the buyer nor the seller. Ozon gives no buyer name in
 * chats (user.type "customer" and an id only), so buyer messages carry no author rather than the
 * word "customer".
 */
const AUTHOR_LABELS: Record<string, string> = { support: "Ozon support", crm: "Ozon", courier: "Courier" };

export class OzonChatConnector extends BaseChannelConnector<OzonCredentials> {
  static override credentialsSchema = ozonCredentialsSchema;
  /** /v1/chat/send/message: plain text, 1…1000 characters. */
  static override replyTextLimits = { min: 1, max: 1000 };

  readonly marketplace = "ozon";
  readonly channel = "chat";
  private readonly http: MarketplaceHttpClient;

  constructor(credentials: OzonCredentials, options: ConnectorOptions = {}) {
    super(credentials, options);
    this.http = createOzonHttpClient(this.credentials, options);
  }

  // ---- Ozon methods ------------------------------------------------------------------------

  /** One page of POST /v3/chat/list (buyer and support chats alike). */
  async listChats(params: OzonChatListParams = {}): Promise<OzonChatListV3> {
    return ozonPost(
      this.http,
      "/v3/chat/list",
      {
        limit: Math.min(CHAT_LIST_MAX, Math.max(1, params.limit ?? CHAT_LIST_MAX)),
        ...(params.cursor ? { cursor: params.cursor } : {}),
        filter: { chat_status: params.chatStatus ?? "ALL", unread_only: params.unreadOnly ?? false },
      },
      chatListV3Schema,
    );
  }

  /** One page of POST /v3/chat/history. */
  async getChatHistory(params: OzonChatHistoryParams): Promise<OzonChatHistoryV3> {
    return ozonPost(
      this.http,
      "/v3/chat/history",
      {
        chat_id: params.chatId,
        direction: params.direction ?? "Backward",
        // uint64 sent as a string: exact, and accepted by Ozon's JSON gateway.
        ...(params.fromMessageId ? { from_message_id: params.fromMessageId } : {}),
        limit: Math.min(CHAT_HISTORY_MAX, Math.max(1, params.limit ?? CHAT_HISTORY_MAX)),
      },
      chatHistoryV3Schema,
    );
  }

  /** Every message of a chat, oldest first (pages backwards; from_message_id may be inclusive). */
  async getAllMessages(chatId: string): Promise<OzonChatMessage[]> {
    const byId = new Map<string, OzonChatMessage>();
    let from: string | undefined;
    for (;;) {
      const page = await this.getChatHistory({ chatId, direction: "Backward", fromMessageId: from });
      let added = 0;
      for (const m of page.messages) {
        if (!byId.has(m.message_id)) {
          byId.set(m.message_id, m);
          added++;
        }
      }
      if (!page.has_next || added === 0) break;
      const oldest = [...byId.keys()].sort(compareMessageIds)[0]!;
      from = oldest;
    }
    return [...byId.values()].sort((a, b) => compareMessageIds(a.message_id, b.message_id));
  }

  async sendMessage(chatId: string, text: string): Promise<void> {
    await ozonPost(this.http, "/v1/chat/send/message", { chat_id: chatId, text }, chatSendMessageSchema, { once: true });
  }

  /** Marks `fromMessageId` and every earlier message read; returns the chat's unread count. */
  async readChat(chatId: string, fromMessageId: string): Promise<number> {
    const res = await ozonPost(this.http, "/v2/chat/read", { chat_id: chatId, from_message_id: fromMessageId }, chatReadSchema);
    return res.unread_count ?? 0;
  }

  // ---- unified interface -------------------------------------------------------------------

  /** Buyer chats in the order of /v3/chat/list; the cursor is Ozon's own, so paging is stable. */
  override async listItems(params: ListItemsParams = {}): Promise<ListItemsResult> {
    const page = await this.listChats({ cursor: params.cursor ?? undefined, limit: params.take ?? CHAT_LIST_MAX });
    const items = await mapConcurrently(page.chats.filter(isBuyerChat), (entry) => this.toItem(entry));
    return { items, nextCursor: page.has_next && page.cursor ? page.cursor : null };
  }

  /** Page size of the getUpdates scan (Ozon's maximum; tests shrink it to force several pages). */
  protected scanPageSize = CHAT_LIST_MAX;

  /**
   * Chats whose last message is newer than the checkpoint (the highest message id delivered).
   * Ozon has no "changed since" filter, so every call scans the chat list. A multi-page scan is
   * not atomic: a chat on an early page can get a message after its page was read while a later
   * page already shows a newer id. Message ids grow with time, so re-reading the pages before the
   * one holding the newest id closes that gap: nothing at or below that id can be missed.
   */
  override async getUpdates(params: GetUpdatesParams): Promise<GetUpdatesResult> {
    const after = decodeCursor(params.cursor, updatesCursorSchema)?.after ?? "0";
    const take = Math.max(1, params.take ?? 50);
    const latest = new Map<string, OzonChatListEntry & { last: string }>();
    const record = async (entry: OzonChatListEntry) => {
      if (!isBuyerChat(entry)) return undefined;
      // last_message_id is optional in the spec; without it the chat's newest message tells.
      const last = entry.last_message_id ?? (await this.newestMessageId(entry.chat.chat_id));
      if (!last || last === "0") return undefined;
      const known = latest.get(entry.chat.chat_id);
      if (!known || compareMessageIds(last, known.last) > 0) latest.set(entry.chat.chat_id, { ...entry, last });
      return last;
    };
    const pageCursors: Array<string | undefined> = [];
    let newest: { id: string; page: number } | undefined;
    let cursor: string | undefined;
    for (let pageNo = 0; ; pageNo++) {
      pageCursors.push(cursor);
      const page = await this.listChats({ cursor, limit: this.scanPageSize });
      for (const entry of page.chats) {
        const last = await record(entry);
        if (last && (!newest || compareMessageIds(last, newest.id) > 0)) newest = { id: last, page: pageNo };
      }
      if (!page.has_next || !page.cursor || page.cursor === cursor) break;
      cursor = page.cursor;
    }
    for (let pageNo = 0; pageNo < (newest?.page ?? 0); pageNo++) {
      const page = await this.listChats({ cursor: pageCursors[pageNo], limit: this.scanPageSize });
      for (const entry of page.chats) await record(entry);
    }
    const changed = [...latest.values()].filter((e) => compareMessageIds(e.last, after) > 0);
    changed.sort((a, b) => compareMessageIds(a.last, b.last));
    const batch = changed.slice(0, take);
    const items = await mapConcurrently(batch, (entry) => this.toItem(entry));
    // The checkpoint is the last id of the batch, never a newer one, so every chat left out of
    // this batch is still ahead of it.
    const next = batch.length > 0 ? batch[batch.length - 1]!.last : after;
    return { items, nextCursor: encodeCursor({ after: next }), hasMore: changed.length > batch.length };
  }

  override async sendReply(params: SendReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(params.text);
    await this.sendMessage(params.itemId, params.text);
    return {};
  }

  private async newestMessageId(chatId: string): Promise<string | undefined> {
    const newest = await this.getChatHistory({ chatId, direction: "Backward", limit: 1 });
    return newest.messages[0]?.message_id;
  }

  /** Marks every message of the chat read (from the newest message down). */
  override async markRead(params: MarkReadParams): Promise<boolean> {
    const last = await this.newestMessageId(params.itemId);
    if (last) await this.readChat(params.itemId, last);
    // Ozon answered 200 (or there was nothing to read): accepted.
    return true;
  }

  /** The chat with its full history as Ozon has it now, or null for an unknown chat. */
  override async getItem(params: GetItemParams): Promise<ChannelItem | null> {
    let messages: OzonChatMessage[];
    try {
      messages = await this.getAllMessages(params.itemId);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    return this.itemFromMessages(params.itemId, messages, undefined);
  }

  private async toItem(entry: OzonChatListEntry): Promise<ChannelItem> {
    const messages = await this.getAllMessages(entry.chat.chat_id);
    return this.itemFromMessages(entry.chat.chat_id, messages, entry);
  }

  private itemFromMessages(chatId: string, raw: OzonChatMessage[], entry: OzonChatListEntry | undefined): ChannelItem {
    // A message or chat without created_at (the spec marks it optional) takes the nearest known time.
    const chatCreatedAt = entry?.chat.created_at ?? raw.find((m) => m.created_at)?.created_at ?? new Date(0).toISOString();
    let previousTime = chatCreatedAt;
    const messages: ChannelMessage[] = raw.map((m) => {
      const userType = (m.user?.type ?? "").toLowerCase();
      const createdAt = m.created_at ?? previousTime;
      previousTime = createdAt;
      return {
        externalId: m.message_id,
        direction: userType === "seller" ? "out" : AUTHOR_LABELS[userType] ? "notice" : "in",
        text: joinMessageData(m.data),
        createdAt,
        ...(AUTHOR_LABELS[userType] ? { authorName: AUTHOR_LABELS[userType] } : {}),
      };
    });
    const sku = raw.find((m) => m.context?.sku !== undefined && m.context.sku !== null && m.context.sku !== "")?.context?.sku;
    const unread = entry
      ? (entry.unread_count ?? 0) > 0
      : raw.some((m) => (m.user?.type ?? "").toLowerCase() !== "seller" && m.is_read === false);
    const item: ChannelItem = {
      externalId: chatId,
      marketplace: "ozon",
      channel: "chat",
      ...threadSummary(messages),
      createdAt: chatCreatedAt,
      read: !unread,
      messages,
    };
    const newest = messages.at(-1);
    if (newest) item.updatedAt = newest.createdAt;
    if (sku !== undefined && sku !== null) item.product = { externalId: String(sku) };
    return item;
  }
}
