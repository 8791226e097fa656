// In-memory world of the Yandex Market sandbox: businesses (Api-Key + businessId) with buyer
// chats whose int64 ids and messages mirror the Partner API.

export type YmChatType = "ORDER" | "RETURN" | "DIRECT";
export type YmChatStatus =
  "NEW" | "WAITING_FOR_CUSTOMER" | "WAITING_FOR_PARTNER" | "WAITING_FOR_ARBITER" | "WAITING_FOR_MARKET" | "FINISHED";
export type YmSender = "PARTNER" | "CUSTOMER" | "MARKET" | "SUPPORT";

export interface YmSandboxMessage {
  id: number;
  createdAt: string;
  sender: YmSender;
  text: string;
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

export interface YmSandboxBusiness {
  businessId: number;
  apiKey: string;
  campaignId: number;
  chats: YmSandboxChat[];
}

export interface YmSandboxWorld {
  businesses: Map<number, YmSandboxBusiness>;
  nextChatId: number;
  nextMessageId: number;
  nextSeq: number;
}
