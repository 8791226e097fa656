// @inbox/api: the tRPC router and the services behind it. Server-only.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root";

export { appRouter, createCaller, type AppRouter } from "./root";
export { createTRPCContext, type TRPCContext } from "./trpc";
export { authenticateUser } from "./auth/authenticate";
export { AppError, type AppErrorReason } from "./errors";
export { hashPassword, verifyPassword } from "./auth/password";
export { downloadItemAttachment } from "./services/attachments";
export type { InboxFilterInput } from "./services/inbox-filter";
export { answerHash, normalizeAnswer } from "./services/answer-repetition";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
