// Public entry of the Ozon sandbox: start it, point a connector's baseUrl at `url`.
export {
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
export type {
  ModerationState,
  OzonSubscriptions,
  SandboxAccount as OzonSandboxAccount,
  SandboxChat as OzonSandboxChat,
  SandboxQuestion as OzonSandboxQuestion,
  SandboxReview as OzonSandboxReview,
} from "./model";
