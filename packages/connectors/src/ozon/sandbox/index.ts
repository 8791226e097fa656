// Public entry of the Ozon sandbox: start it, point a connector's baseUrl at `url`.
export {
  DEFAULT_MODERATION_DELAY_MS as OZON_DEFAULT_MODERATION_DELAY_MS,
  DEMO_OZON_ACCOUNTS,
  startOzonSandbox,
  type AddBuyerMessageInput,
  type AddQuestionInput,
  type AddReviewInput,
  type OzonCredentialsPair,
  type OzonReplyChannel,
  type OzonSandbox,
  type OzonSandboxAccountOptions,
  type OzonSandboxOptions,
} from "./server";
export type { OzonSeedSize } from "./seed";
export { isBuyerChatType as isOzonBuyerChatType } from "./model";
export type {
  ModerationState,
  OzonSubscriptions,
  SandboxAccount as OzonSandboxAccount,
  SandboxChat as OzonSandboxChat,
  SandboxQuestion as OzonSandboxQuestion,
  SandboxReview as OzonSandboxReview,
} from "./model";
