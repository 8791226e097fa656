// In-memory world of the WB sandbox: feedbacks, questions, chats with their event stream, and
// what the seller sent (answers/messages per item) so tests can assert exactly-once delivery.
import { SeededRandom, ru } from "../../sandbox/kit";

export type ModerationMode = "instant" | "review" | "reject";

export interface SandboxAnswer {
  text: string;
  answeredAt: number;
  edited: boolean;
}

export interface SandboxFeedback {
  id: string;
  seq: number;
  createdMs: number;
  text: string;
  pros: string;
  cons: string;
  productValuation: number;
  nmId: number;
  productName: string;
  supplierArticle: string;
  brandName: string;
  userName: string;
  wasViewed: boolean;
  hasPhotos: boolean;
  hasVideo: boolean;
  answer: SandboxAnswer | null;
  /** The buyer's order (spec values); seeded feedbacks are bought out. */
  orderStatus?: "buyout" | "rejected" | "returned" | "notSpecified";
}

export interface SandboxQuestion {
  id: string;
  seq: number;
  createdMs: number;
  text: string;
  nmId: number;
  productName: string;
  supplierArticle: string;
  brandName: string;
  wasViewed: boolean;
  /** Seller rejected the question (state "none"). */
  rejected: boolean;
  answer: SandboxAnswer | null;
}

export interface SandboxChat {
  chatID: string;
  replySign: string;
  clientName: string;
  nmID: number;
  price: number;
}

/** A file attached to a chat message; served by `/seller/download/{downloadID}`. */
export interface SandboxChatFile {
  downloadID: string;
  name: string;
  contentType: string;
  data: Buffer;
  date: string;
  /** WB moderates files: 202 while pending, 451 when it failed. */
  moderation: "passed" | "pending" | "failed";
}

export interface SandboxEvent {
  chatID: string;
  eventID: string;
  seq: number;
  addTimestamp: number;
  isNewChat: boolean;
  text: string;
  sender: "client" | "seller" | "wb";
  source: string;
  files: SandboxChatFile[];
}

/** A 1×1 PNG, the content of seeded chat images. */
export const SANDBOX_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

export interface WildberriesWorldOptions {
  seed?: number;
  /** Items per channel when the specific counts are not given. */
  size?: number;
  feedbacks?: number;
  questions?: number;
  chats?: number;
  now?: () => number;
  /** How answers are moderated: instant → wbRu; review → reviewRequired then wbRu; reject → rejected. */
  moderation?: ModerationMode;
  /** How long answers stay under review. Default 60 s. */
  moderationDelayMs?: number;
  /** Seeded items are dated in the weeks before this instant (ISO). Default: the current minute. */
  epoch?: string;
}

const DAY = 24 * 3600 * 1000;

export class WildberriesWorld {
  readonly feedbacks: SandboxFeedback[] = [];
  readonly questions: SandboxQuestion[] = [];
  readonly chats = new Map<string, SandboxChat>();
  readonly events: SandboxEvent[] = [];
  /** Answers accepted per feedback/question id, in order (edits included). */
  readonly answers = new Map<string, string[]>();
  /** Messages the seller sent per chatID. */
  readonly messagesSent = new Map<string, string[]>();
  /** Chat files by downloadID. */
  readonly files = new Map<string, SandboxChatFile>();
  /** POST /feedbacks/answer calls for ids that do not exist (WB answers 204 anyway). */
  readonly answersToUnknownIds: Array<{ id: string; text: string }> = [];
  moderation: ModerationMode;
  moderationDelayMs: number;
  readonly now: () => number;
  readonly random: SeededRandom;
  /** Attachments draw from their own generator so the seeded texts, ids and dates stay as they were. */
  private readonly fileRandom: SeededRandom;
  private seq = 0;

  constructor(opts: WildberriesWorldOptions = {}) {
    this.random = new SeededRandom(opts.seed ?? 1);
    this.fileRandom = new SeededRandom((opts.seed ?? 1) + 7919);
    this.now = opts.now ?? Date.now;
    this.moderation = opts.moderation ?? "review";
    this.moderationDelayMs = opts.moderationDelayMs ?? 60_000;
    const size = opts.size ?? 50;
    // Seeded items are placed relative to the epoch (a restart with the same epoch gives the same
    // dates), by default the start of the current minute: stable within a run.
    const anchor = opts.epoch ? Date.parse(opts.epoch) : Math.floor(this.now() / 60_000) * 60_000;
    const r = this.random;
    for (let i = 0; i < (opts.feedbacks ?? size); i++) {
      const fb = this.addFeedback({ createdMs: anchor - r.int(1, 45 * 24 * 3600) * 1000 });
      if (r.chance(0.3)) fb.answer = { text: ru.sellerReply(r), answeredAt: fb.createdMs + DAY, edited: false };
      if (r.chance(0.05)) Object.assign(fb, { text: "", pros: "", cons: "", hasPhotos: false });
      fb.wasViewed = r.chance(0.5);
    }
    for (let i = 0; i < (opts.questions ?? size); i++) {
      const q = this.addQuestion({ createdMs: anchor - r.int(1, 45 * 24 * 3600) * 1000 });
      if (r.chance(0.3)) q.answer = { text: ru.sellerReply(r), answeredAt: q.createdMs + DAY, edited: false };
      q.wasViewed = r.chance(0.5);
    }
    const chatCount = opts.chats ?? size;
    const starts = Array.from({ length: chatCount }, () => anchor - r.int(3600, 20 * 24 * 3600) * 1000).sort((a, b) => a - b);
    for (const start of starts) {
      const chat = this.addChatMessage({ at: start });
      let t = start;
      for (let k = r.int(0, 3); k > 0; k--) {
        t += r.int(60, 3 * 3600) * 1000;
        if (t >= anchor) break;
        this.addChatMessage({ chatID: chat.chatID, at: t, sender: r.chance(0.5) ? "seller" : "client" });
      }
    }
    this.events.sort((a, b) => a.addTimestamp - b.addTimestamp || a.seq - b.seq);
    const ar = this.fileRandom;
    for (const fb of this.feedbacks) fb.hasVideo = (fb.text !== "" || fb.hasPhotos) && ar.chance(0.1);
    for (const e of this.events) {
      if (e.sender !== "client" || !ar.chance(0.25)) continue;
      const pdf = ar.chance(0.3);
      e.files.push(
        this.storeFile({
          name: pdf ? `чек-${ar.int(100, 999)}.pdf` : `фото-${ar.int(100, 999)}.png`,
          contentType: pdf ? "application/pdf" : "image/png",
          data: pdf ? Buffer.from("%PDF-1.4\n%sandbox\n%%EOF\n") : SANDBOX_PNG,
          at: e.addTimestamp,
        }),
      );
    }
  }

  /** Registers a chat file under a new downloadID. */
  storeFile(f: {
    name: string;
    contentType: string;
    data: Buffer;
    at?: number;
    moderation?: SandboxChatFile["moderation"];
  }): SandboxChatFile {
    const file: SandboxChatFile = {
      downloadID: this.fileRandom.uuid(),
      name: f.name,
      contentType: f.contentType,
      data: f.data,
      date: new Date(f.at ?? this.now()).toISOString(),
      moderation: f.moderation ?? "passed",
    };
    this.files.set(file.downloadID, file);
    return file;
  }

  private product() {
    const r = this.random;
    return {
      nmId: r.int(10_000_000, 299_999_999),
      productName: ru.productName(r),
      supplierArticle: `ART-${r.int(1000, 9999)}`,
      brandName: ru.brand(r),
    };
  }

  /** A customer writes a feedback (defaults: now, random content). */
  addFeedback(partial: Partial<SandboxFeedback> = {}): SandboxFeedback {
    const r = this.random;
    const review = ru.review(r);
    const fb: SandboxFeedback = {
      id: r.token(20),
      seq: ++this.seq,
      createdMs: Math.floor(this.now() / 1000) * 1000,
      text: review.text,
      pros: review.pros,
      cons: review.cons,
      productValuation: review.rating,
      ...this.product(),
      userName: ru.firstName(r),
      wasViewed: false,
      hasPhotos: r.chance(0.2),
      hasVideo: false,
      answer: null,
      ...partial,
    };
    this.feedbacks.push(fb);
    this.feedbacks.sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
    return fb;
  }

  /** A customer asks a question. */
  addQuestion(partial: Partial<SandboxQuestion> = {}): SandboxQuestion {
    const r = this.random;
    const q: SandboxQuestion = {
      id: r.token(20),
      seq: ++this.seq,
      createdMs: Math.floor(this.now() / 1000) * 1000,
      text: ru.question(r),
      ...this.product(),
      wasViewed: false,
      rejected: false,
      answer: null,
      ...partial,
    };
    this.questions.push(q);
    this.questions.sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
    return q;
  }

  /** A buyer writes in a chat (a new chat when chatID is not given); the seller via `sender`. */
  addChatMessage(
    opts: { chatID?: string; text?: string; at?: number; sender?: SandboxEvent["sender"]; files?: SandboxChatFile[] } = {},
  ): SandboxChat {
    const r = this.random;
    let chat = opts.chatID ? this.chats.get(opts.chatID) : undefined;
    if (opts.chatID && !chat) throw new Error(`unknown chat ${opts.chatID}`);
    const isNewChat = !chat;
    if (!chat) {
      chat = {
        chatID: `1:${r.uuid()}`,
        replySign: `${r.token(48)}`,
        clientName: ru.firstName(r),
        nmID: r.int(10_000_000, 299_999_999),
        price: r.int(300, 9000),
      };
      this.chats.set(chat.chatID, chat);
    }
    const sender = opts.sender ?? "client";
    // Event times are unique and increasing for live additions, so `next` never splits a tie.
    const lastTs = this.events.length ? this.events[this.events.length - 1]!.addTimestamp : 0;
    const at = opts.at ?? Math.max(this.now(), lastTs + 1);
    this.events.push({
      chatID: chat.chatID,
      eventID: r.uuid(),
      seq: ++this.seq,
      addTimestamp: at,
      isNewChat,
      text: opts.text ?? (sender === "seller" ? ru.sellerReply(r) : ru.chatLine(r)),
      sender,
      source: sender === "seller" ? "seller-portal" : r.pick(["rusite", "ios", "android"]),
      files: opts.files ?? [],
    });
    if (opts.at !== undefined) this.events.sort((a, b) => a.addTimestamp - b.addTimestamp || a.seq - b.seq);
    return chat;
  }

  /** WB's archive rule: answered, or older than 30 days, or no text and no photos. */
  isArchived(fb: SandboxFeedback): boolean {
    return fb.answer !== null || this.now() - fb.createdMs > 30 * DAY || (!fb.text && !fb.pros && !fb.cons && !fb.hasPhotos);
  }

  /** Moderation state of a seller answer, evaluated lazily against the clock. */
  answerState(a: SandboxAnswer): "wbRu" | "reviewRequired" | "rejected" {
    if (this.moderation === "instant") return "wbRu";
    if (this.now() - a.answeredAt < this.moderationDelayMs) return "reviewRequired";
    return this.moderation === "reject" ? "rejected" : "wbRu";
  }

  recordAnswer(id: string, text: string) {
    const list = this.answers.get(id) ?? [];
    list.push(text);
    this.answers.set(id, list);
  }

  lastEvent(chatID: string): SandboxEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.chatID === chatID) return this.events[i];
    return undefined;
  }
}
