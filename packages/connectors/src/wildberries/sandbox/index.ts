// Wildberries sandbox: both WB hosts (feedbacks/questions and buyer chat) on localhost.
export { createWildberriesSandbox, startWildberriesSandbox, WB_SERVER_LIMITS } from "./server";
export type { WildberriesSandbox, WildberriesSandboxCore, WildberriesSandboxOptions } from "./server";
export { WildberriesWorld } from "./state";
export type {
  ModerationMode,
  SandboxChat,
  SandboxChatFile,
  SandboxEvent,
  SandboxFeedback,
  SandboxQuestion,
  WildberriesWorldOptions,
} from "./state";
export { SANDBOX_PNG } from "./state";
export { WB_CATEGORY_BITS, verifyWbToken, signWbToken } from "./tokens";
export type { IssueTokenOptions, WbCategory, WbTokenPayload, WbTokenType } from "./tokens";
