// In-memory world of the Yandex Market sandbox: businesses (Api-Key + businessId) with buyer
// chats, product reviews (goods feedback) and product questions whose int64 ids mirror the
// Partner API.

/** ChatContextType (the chat list filters it as `contextTypes`). */
export type YmChatType = "ORDER" | "RETURN" | "DIRECT";
export type YmChatStatus =
  "NEW" | "WAITING_FOR_CUSTOMER" | "WAITING_FOR_PARTNER" | "WAITING_FOR_ARBITER" | "WAITING_FOR_MARKET" | "FINISHED";
export type YmSender = "PARTNER" | "CUSTOMER" | "MARKET" | "SUPPORT";
export type YmModerationStatus = "PUBLISHED" | "UNMODERATED" | "BANNED" | "DELETED";

export interface YmSandboxFile {
  name: string;
  url: string;
  size: number;
}

export interface YmSandboxMessage {
  id: number;
  createdAt: string;
  sender: YmSender;
  /** Empty when the message carries files only. */
  text: string;
  files: YmSandboxFile[];
}

export interface YmSandboxChat {
  id: number;
  /** Creation order: list page tokens point into it, so paging is stable while chats are added. */
  seq: number;
  type: YmChatType;
  status: YmChatStatus;
  orderId?: number;
  returnId?: number;
  campaignId: number;
  customerName: string;
  customerPublicId: string;
  createdAt: string;
  updatedAt: string;
  messages: YmSandboxMessage[];
}

export interface YmSandboxFeedbackComment {
  id: number;
  text: string;
  status: YmModerationStatus;
  authorType: "USER" | "BUSINESS" | "BRAND";
  authorName: string;
  parentId?: number;
}

export interface YmSandboxFeedback {
  id: number;
  createdAt: string;
  orderId: number;
  offerId: string;
  author: string;
  advantages: string;
  disadvantages: string;
  comment: string;
  photos: string[];
  rating: number;
  recommended: boolean;
  needReaction: boolean;
  comments: YmSandboxFeedbackComment[];
}

export interface YmSandboxAnswer {
  id: number;
  text: string;
  status: YmModerationStatus;
  authorType: "USER" | "BUSINESS" | "VENDOR" | "BRAND";
  authorName: string;
  createdAt: string;
}

export interface YmSandboxQuestion {
  id: number;
  offerId: string;
  categoryId: number;
  text: string;
  createdAt: string;
  authorName: string;
  likes: number;
  dislikes: number;
  answers: YmSandboxAnswer[];
}

export interface YmSandboxBusiness {
  businessId: number;
  apiKey: string;
  campaignId: number;
  chats: YmSandboxChat[];
  feedbacks: YmSandboxFeedback[];
  questions: YmSandboxQuestion[];
}

export interface YmSandboxWorld {
  businesses: Map<number, YmSandboxBusiness>;
  nextChatId: number;
  nextMessageId: number;
  nextSeq: number;
  nextFeedbackId: number;
  nextCommentId: number;
  nextQuestionId: number;
  nextAnswerId: number;
}
