// @inbox/api: the tRPC router and the services behind it. Server-only.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root";

export { appRouter, createCaller, type AppRouter } from "./root";
export { createTRPCContext, type TRPCContext } from "./trpc";
export { authenticateUser, type SignInResult } from "./auth/authenticate";
export { sessionIsCurrent } from "./auth/sessions";
export { AppError, type AppErrorReason } from "./errors";
export { hashPassword, verifyPassword } from "./auth/password";
export { downloadItemAttachment } from "./services/attachments";
export {
  recordAudit,
  requestInfoFromHeaders,
  auditOriginOf,
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditOrigin,
  type AuditRequestInfo,
} from "./services/audit";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
