// @inbox/api: the tRPC router and the services behind it. Server-only.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root";

export { appRouter, createCaller, type AppRouter } from "./root";
export { createTRPCContext, type TRPCContext } from "./trpc";
export { authenticateUser, type SignInResult } from "./auth/authenticate";
export { sessionIsCurrent } from "./auth/sessions";
export { AppError, type AppErrorReason } from "./errors";
export { hashPassword, PASSWORD_LENGTH, verifyPassword } from "./auth/password";
export { downloadItemAttachment } from "./services/attachments";
export { analyticsPeriodSchema } from "./services/analytics";
export {
  answerTrpcQueries,
  handleApiRequest,
  handleRestHttpRequest,
  handleTrpcHttpRequest,
  isApiPath,
  openApiDocument,
  MAX_BATCH_CALLS,
  MAX_BODY_BYTES,
  type PlainAnswer,
  type QueryRequest,
} from "./http/api-http";
export { mutationOriginAllowed } from "./http/origin";
export { createApiToken, parseExpiry, API_TOKEN_SCOPES, type ApiTokenScope } from "./auth/api-tokens";
export { createInboxClient, type InboxClient, type InboxClientOptions } from "./client";
export {
  recordAudit,
  requestInfoFromHeaders,
  auditOriginOf,
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditOrigin,
  type AuditRequestInfo,
} from "./services/audit";
export {
  acceptInvitationWithNewAccount,
  describeInvitationLink,
  downloadAttachment,
  isSessionCurrent,
  pingDatabase,
  signInWithPassword,
} from "./web-entry";
export { INVITATION_TTL_MS, type InvitationState, type InvitationView } from "./services/team";
export { inboxFilterSchema, INBOX_SORTS, INBOX_STATUSES, type InboxFilter, type InboxFilterInput } from "./services/inbox-filter";
export { answerHash, normalizeAnswer } from "./services/answer-repetition";
export { removeAccounts, removeSellers } from "./services/data-removal";
export { closeLiveHub } from "./live/live-hub";
export { closeMembershipCache } from "./auth/membership-cache";
export { DEMO_MEDIA_PATH, demoMediaPicture } from "./demo/media";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
