// Yandex Market buyer chats (channel "chat"): POST v2/businesses/{businessId}/chats (pageToken),
// …/chats/history, …/chats/message and GET …/chat. The API has no "mark read" method, so
// markRead is not implemented (capabilities say so).
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
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
import { MarketplaceRequestError } from "../core/errors";
import { decodeCursor, encodeCursor, toIso } from "../core/util";
import { businessIdOf, createYandexMarketHttpClient, yandexMarketCredentialsSchema, type YandexMarketCredentials } from "./client";
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
  statuses?: string[];
  types?: string[];
}

const CHATS_PAGE_MAX = 20;
const HISTORY_PAGE_MAX = 100;

const updatesCursorSchema = z.object({ t: z.string(), id: z.string() });

/** Orders chats by (updatedAt, chatId): the getUpdates checkpoint compares against this. */
function compareActivity(a: { t: string; id: string }, b: { t: string; id: string }): number {
  const dt = Date.parse(a.t) - Date.parse(b.t);
  if (dt !== 0) return dt;
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}

export class YandexMarketChatConnector extends BaseChannelConnector<YandexMarketCredentials> {
  static override credentialsSchema = yandexMarketCredentialsSchema;
  /** POST …/chats/message: message 1…4096 characters. */
  static override replyTextLimits = { min: 1, max: 4096 };

  readonly marketplace = "yandex-market";
  readonly channel = "chat";
  private readonly chatsHttp: MarketplaceHttpClient;
  private readonly historyHttp: MarketplaceHttpClient;
  private readonly messageHttp: MarketplaceHttpClient;
  private readonly base: string;

  constructor(credentials: YandexMarketCredentials, options: ConnectorOptions = {}) {
    super(credentials, options);
    this.chatsHttp = createYandexMarketHttpClient(this.credentials, options, "chats");
    this.historyHttp = createYandexMarketHttpClient(this.credentials, options, "history");
    this.messageHttp = createYandexMarketHttpClient(this.credentials, options, "message");
    this.base = `/v2/businesses/${businessIdOf(this.credentials)}`;
  }

  // ---- Yandex Market methods ---------------------------------------------------------------

  async listChats(params: YmChatListParams = {}) {
    const res = await this.chatsHttp.request({
      method: "POST",
      path: `${this.base}/chats`,
      query: { limit: Math.min(CHATS_PAGE_MAX, Math.max(1, params.limit ?? CHATS_PAGE_MAX)), pageToken: params.pageToken },
      json: {
        ...(params.statuses ? { statuses: params.statuses } : {}),
        ...(params.types ? { types: params.types } : {}),
      },
      schema: ymChatListResponseSchema,
    });
    return res.data.result;
  }

  async getChat(chatId: string): Promise<YmChat> {
    const res = await this.historyHttp.request({
      method: "GET",
      path: `${this.base}/chat`,
      query: { chatId },
      schema: ymChatResponseSchema,
    });
    return res.data.result;
  }

  async getChatHistoryPage(chatId: string, pageToken?: string, messageIdFrom?: string) {
    const res = await this.historyHttp.request({
      method: "POST",
      path: `${this.base}/chats/history`,
      query: { chatId, limit: HISTORY_PAGE_MAX, pageToken },
      json: messageIdFrom ? { messageIdFrom: Number(messageIdFrom) } : {},
      schema: ymChatHistoryResponseSchema,
    });
    return res.data.result;
  }

  /** Every message of a chat, oldest first. */
  async getAllMessages(chatId: string): Promise<YmMessage[]> {
    const byId = new Map<string, YmMessage>();
    let pageToken: string | undefined;
    for (let pages = 0; pages < 10_000; pages++) {
      const page = await this.getChatHistoryPage(chatId, pageToken);
      for (const m of page.messages) byId.set(m.messageId, m);
      const next = page.paging?.nextPageToken;
      if (!next || next === pageToken || page.messages.length === 0) break;
      pageToken = next;
    }
    return [...byId.values()].sort((a, b) => {
      const x = BigInt(a.messageId);
      const y = BigInt(b.messageId);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }

  async sendMessage(chatId: string, message: string): Promise<void> {
    await this.messageHttp.request({
      method: "POST",
      path: `${this.base}/chats/message`,
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
    for (const chat of page.chats) items.push(await this.toItem(chat));
    return { items, nextCursor: page.paging?.nextPageToken || null };
  }

  /**
   * Chats with activity after the checkpoint (updatedAt, chatId). There is no "changed since"
   * filter upstream, so each call scans the chat list (20 per page) and returns the oldest changes
   * first. The scan is not atomic; as updatedAt grows with time, re-reading the pages before the
   * one holding the newest updatedAt makes sure no change at or before it is missed.
   */
  override async getUpdates(params: GetUpdatesParams): Promise<GetUpdatesResult> {
    const since = decodeCursor(params.cursor, updatesCursorSchema);
    const take = Math.max(1, params.take ?? 50);
    const latest = new Map<string, { chat: YmChat; key: { t: string; id: string } }>();
    const record = (chat: YmChat) => {
      const key = { t: toIso(chat.updatedAt), id: chat.chatId };
      const known = latest.get(chat.chatId);
      if (!known || compareActivity(key, known.key) > 0) latest.set(chat.chatId, { chat, key });
      return key;
    };
    const pageTokens: Array<string | undefined> = [];
    let newest: { key: { t: string; id: string }; page: number } | undefined;
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
    const changed = [...latest.values()].filter(({ key }) => !since || compareActivity(key, since) > 0);
    changed.sort((a, b) => compareActivity(a.key, b.key));
    const batch = changed.slice(0, take);
    const items: ChannelItem[] = [];
    for (const { chat } of batch) items.push(await this.toItem(chat));
    const last = batch[batch.length - 1]?.key ?? since ?? { t: new Date(0).toISOString(), id: "0" };
    return { items, nextCursor: encodeCursor(last), hasMore: changed.length > batch.length };
  }

  override async sendReply(params: SendReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(params.text);
    await this.sendMessage(params.itemId, params.text);
    return {};
  }

  override async getItem(params: GetItemParams): Promise<ChannelItem | null> {
    if (!/^\d+$/.test(params.itemId)) return null; // chat ids are int64; anything else cannot exist
    try {
      return await this.toItem(await this.getChat(params.itemId));
    } catch (err) {
      if (err instanceof MarketplaceRequestError && err.status === 404) return null;
      throw err;
    }
  }

  private async toItem(chat: YmChat): Promise<ChannelItem> {
    const raw = await this.getAllMessages(chat.chatId);
    const messages: ChannelMessage[] = raw.map((m) => {
      const sender = m.sender.toUpperCase();
      const out: ChannelMessage = {
        externalId: m.messageId,
        direction: sender === "PARTNER" ? "out" : "in",
        text: m.message ?? (m.payload ?? []).map((p) => p.name ?? p.url ?? "").join("\n"),
        createdAt: toIso(m.createdAt),
      };
      if (sender === "CUSTOMER" && chat.context?.customer?.name) out.authorName = chat.context.customer.name;
      return out;
    });
    const last = messages[messages.length - 1];
    const lastIn = [...messages].reverse().find((m) => m.direction === "in");
    const lastOut = [...messages].reverse().find((m) => m.direction === "out");
    const item: ChannelItem = {
      externalId: chat.chatId,
      marketplace: "yandex-market",
      channel: "chat",
      text: lastIn?.text ?? last?.text ?? "",
      createdAt: toIso(chat.createdAt),
      updatedAt: toIso(chat.updatedAt),
      answered: last?.direction === "out",
      messages,
    };
    if (chat.context?.customer?.name) item.authorName = chat.context.customer.name;
    if (lastOut) item.answerText = lastOut.text;
    return item;
  }
}
