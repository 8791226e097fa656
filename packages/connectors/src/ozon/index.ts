// Registers the Ozon connectors (chat, review, question) with the registry when imported.
import { registerConnector, registerMarketplace } from "../core/registry";
import { OzonChatConnector } from "./chat-connector";
import type { OzonCredentials } from "./client";
import { OzonQuestionsConnector } from "./questions-connector";
import { OzonReviewsConnector } from "./reviews-connector";

export { OzonChatConnector, compareMessageIds, isBuyerChat } from "./chat-connector";
export type { OzonChatHistoryParams, OzonChatListParams } from "./chat-connector";
export { OzonReviewsConnector, commentState } from "./reviews-connector";
export type { OzonReviewListParams, OzonReviewStatus } from "./reviews-connector";
export { OzonQuestionsConnector } from "./questions-connector";
export type { OzonQuestionListParams, OzonQuestionStatus } from "./questions-connector";
export { OZON_API_BASE_URL, mapOzonError, ozonCredentialsSchema, type OzonCredentials } from "./client";

declare module "../core/registry" {
  interface MarketplaceAliasMap {
    oz: "ozon";
  }
  interface ConnectorTypeMap {
    "ozon:chat": { connector: OzonChatConnector; credentials: OzonCredentials };
    "ozon:review": { connector: OzonReviewsConnector; credentials: OzonCredentials };
    "ozon:question": { connector: OzonQuestionsConnector; credentials: OzonCredentials };
  }
}

registerMarketplace({ id: "ozon", displayName: "Ozon", aliases: ["oz"] });
registerConnector("ozon", "chat", OzonChatConnector);
registerConnector("ozon", "review", OzonReviewsConnector);
registerConnector("ozon", "question", OzonQuestionsConnector);
