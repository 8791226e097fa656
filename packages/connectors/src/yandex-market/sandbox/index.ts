// Public entry of the Yandex Market sandbox: start it, point a connector's baseUrl at `url`.
export {
  DEMO_YANDEX_MARKET_BUSINESSES,
  YM_HOURLY_LIMITS,
  startYandexMarketSandbox,
  type YandexMarketSandbox,
  type YandexMarketSandboxOptions,
  type YmMethod,
  type YmSandboxBusinessOptions,
} from "./server";
export type {
  YmChatStatus,
  YmChatType,
  YmModerationStatus,
  YmSandboxAnswer,
  YmSandboxBusiness,
  YmSandboxChat,
  YmSandboxFeedback,
  YmSandboxFeedbackComment,
  YmSandboxFile,
  YmSandboxMessage,
  YmSandboxQuestion,
} from "./model";
