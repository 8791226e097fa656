// Registers the Yandex Market connectors (chat, review, question) with the registry when imported.
import { registerConnector, registerMarketplace } from "../core/registry";
import { YandexMarketChatConnector } from "./chat-connector";
import type { YandexMarketCredentials } from "./client";
import { YandexMarketQuestionsConnector } from "./questions-connector";
import { YandexMarketReviewsConnector } from "./reviews-connector";

export { YandexMarketChatConnector, type YmChatListParams } from "./chat-connector";
export { YandexMarketReviewsConnector, YM_FEEDBACK_HISTORY_START, type YmFeedbackListParams } from "./reviews-connector";
export { YandexMarketQuestionsConnector, YM_QUESTIONS_HISTORY_START, type YmQuestionListParams } from "./questions-connector";
export {
  YANDEX_MARKET_API_BASE_URL,
  YANDEX_MARKET_HOURLY_QUOTAS,
  YANDEX_MARKET_LIMITS,
  YANDEX_MARKET_MAX_PARALLEL,
  yandexMarketCredentialsSchema,
  yandexMarketRetryHint,
  type YandexMarketCredentials,
  type YandexMarketLimitGroup,
} from "./client";

declare module "../core/registry" {
  interface MarketplaceAliasMap {
    ym: "yandex-market";
  }
  interface ConnectorTypeMap {
    "yandex-market:chat": { connector: YandexMarketChatConnector; credentials: YandexMarketCredentials };
    "yandex-market:review": { connector: YandexMarketReviewsConnector; credentials: YandexMarketCredentials };
    "yandex-market:question": { connector: YandexMarketQuestionsConnector; credentials: YandexMarketCredentials };
  }
}

registerMarketplace({ id: "yandex-market", displayName: "Yandex Market", aliases: ["ym"] });
registerConnector("yandex-market", "chat", YandexMarketChatConnector);
registerConnector("yandex-market", "review", YandexMarketReviewsConnector);
registerConnector("yandex-market", "question", YandexMarketQuestionsConnector);
