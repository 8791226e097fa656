// The abstract connector: one marketplace channel behind a uniform interface.
import { z } from "zod";
import { ConnectorCredentialsError, NotImplementedError } from "./errors";
import type {
  Channel,
  AnswerVisibility,
  ConnectorCapabilities,
  ConnectorOptions,
  GetAttachmentsParams,
  GetItemParams,
  GetUpdatesParams,
  GetUpdatesResult,
  ListItemsParams,
  ListItemsResult,
  Marketplace,
  MarkReadParams,
  ChannelAttachment,
  ChannelItem,
  EditReplyParams,
  SendReplyParams,
  SendReplyResult,
} from "./types";

/** A concrete connector class (what registerConnector accepts). */
export interface ConnectorClass<TConnector extends BaseChannelConnector<unknown> = BaseChannelConnector<unknown>> {
  // `never`: any credentials type is accepted here; each class validates its own at runtime.
  new (credentials: never, options?: ConnectorOptions): TConnector;
  readonly name: string;
  readonly credentialsSchema: z.ZodType;
  readonly replyTextLimits: { min: number; max: number };
  readonly answerVisibility: AnswerVisibility;
  readonly prototype: BaseChannelConnector<unknown>;
}

type OptionalMethod = "sendReply" | "editReply" | "markRead" | "getUpdates" | "getItem" | "getAttachments";

/** Capabilities derived from which optional methods the class overrides, so they cannot lie. */
export function capabilitiesOf(cls: ConnectorClass): ConnectorCapabilities {
  const base = BaseChannelConnector.prototype;
  const has = (m: OptionalMethod) => cls.prototype[m] !== base[m];
  return {
    sendReply: has("sendReply"),
    editReply: has("editReply"),
    markRead: has("markRead"),
    getUpdates: has("getUpdates"),
    getItem: has("getItem"),
    getAttachments: has("getAttachments"),
    replyText: { ...cls.replyTextLimits },
    answerVisibility: cls.answerVisibility,
  };
}

export abstract class BaseChannelConnector<TCredentials = unknown> {
  /** Validated in the constructor; subclasses replace it. */
  static credentialsSchema: z.ZodType = z.unknown();
  /** Reply length accepted upstream; subclasses replace it. */
  static replyTextLimits = { min: 1, max: 1000 };
  /** When an accepted answer becomes visible through getItem; subclasses replace it. */
  static answerVisibility: AnswerVisibility = "immediate";

  abstract readonly marketplace: Marketplace;
  abstract readonly channel: Channel;
  readonly credentials: TCredentials;
  readonly options: ConnectorOptions;

  constructor(credentials: TCredentials, options: ConnectorOptions = {}) {
    const cls = new.target as unknown as ConnectorClass;
    const parsed = cls.credentialsSchema.safeParse(credentials);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.map(String).join(".") || "(credentials)";
      throw new ConnectorCredentialsError(cls.name, field, issue.message);
    }
    this.credentials = parsed.data as TCredentials;
    this.options = options;
  }

  get capabilities(): ConnectorCapabilities {
    return capabilitiesOf(this.constructor as ConnectorClass);
  }

  /** Full enumeration: cursor null → … → nextCursor null yields every item exactly once. */
  abstract listItems(params?: ListItemsParams): Promise<ListItemsResult>;

  async sendReply(_params: SendReplyParams): Promise<SendReplyResult> {
    throw new NotImplementedError(this.constructor.name, "sendReply");
  }

  /**
   * Replaces the seller's answer. Safe to retry: an answer that already reads `text` is not sent
   * again; an answer the marketplace no longer lets edit is refused before any write.
   */
  async editReply(_params: EditReplyParams): Promise<SendReplyResult> {
    throw new NotImplementedError(this.constructor.name, "editReply");
  }

  /** True when the marketplace accepted it (or the item was already read there). */
  async markRead(_params: MarkReadParams): Promise<boolean> {
    throw new NotImplementedError(this.constructor.name, "markRead");
  }

  /** Incremental changes since a persisted checkpoint (null = from the beginning). */
  async getUpdates(_params: GetUpdatesParams): Promise<GetUpdatesResult> {
    throw new NotImplementedError(this.constructor.name, "getUpdates");
  }

  /** One item's current upstream state, or null when it does not exist. */
  async getItem(_params: GetItemParams): Promise<ChannelItem | null> {
    throw new NotImplementedError(this.constructor.name, "getItem");
  }

  /**
   * The photos and videos of one item whose listing gave only their counts (`ChannelItem.media`), or
   * null when the item no longer exists upstream.
   */
  async getAttachments(_params: GetAttachmentsParams): Promise<ChannelAttachment[] | null> {
    throw new NotImplementedError(this.constructor.name, "getAttachments");
  }

  /** Throws MarketplaceRequestError-free local check of reply length; connectors call it before sending. */
  protected assertReplyText(text: string): void {
    const { min, max } = (this.constructor as ConnectorClass).replyTextLimits;
    const len = [...text.trim()].length;
    if (len < min || len > max) {
      throw new RangeError(`${this.constructor.name}: reply text must be ${min}-${max} characters, got ${len}`);
    }
  }
}
