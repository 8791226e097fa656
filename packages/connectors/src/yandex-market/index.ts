// Registers the Yandex Market connectors (chat) with the registry when imported.
import { registerConnector } from "../core/registry";
import { YandexMarketChatConnector } from "./chat-connector";
import type { YandexMarketCredentials } from "./client";

export { YandexMarketChatConnector, type YmChatListParams } from "./chat-connector";
export { YANDEX_MARKET_API_BASE_URL, YANDEX_MARKET_LIMITS, yandexMarketCredentialsSchema, type YandexMarketCredentials } from "./client";

declare module "../core/registry" {
  interface ConnectorTypeMap {
    "yandex-market:chat": { connector: YandexMarketChatConnector; credentials: YandexMarketCredentials };
  }
}

registerConnector("yandex-market", "chat", YandexMarketChatConnector);
