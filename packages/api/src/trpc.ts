// tRPC building blocks: the request context, the error format and the procedures. Seller access
// is checked here and nowhere else: every seller-scoped procedure extends `sellerProcedure`.
import type { ConnectorOptions } from "@inbox/connectors";
import { getPrisma, type PrismaClient, type Role } from "@inbox/db";
import { initTRPC, TRPCError } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z, ZodError } from "zod";
import { roleForScopes, type ApiTokenPrincipal, type ApiTokenScope } from "./auth/api-tokens";
import { getMembershipCache, type MembershipCache } from "./auth/membership-cache";
import { APP_ERROR_CODES, AppError } from "./errors";
import { getJobQueue, type JobQueue } from "./jobs/queues";
import { getLiveHub, type LiveHub } from "./live/live-hub";
import { NO_REQUEST_INFO, type AuditRequestInfo } from "./services/audit";
import { listMemberships, type SellerMembership } from "./services/memberships";
import { wireTransformer } from "./wire-transformer";

export interface CreateContextOptions {
  /** The signed-in user (from the next-auth session), or null. */
  userId: string | null;
  /** Set when the request carries a valid API token; `userId` is then the token's creator. */
  apiToken?: ApiTokenPrincipal | null;
  prisma?: PrismaClient;
  /** Background jobs; the process-wide pg-boss sender by default. */
  jobs?: JobQueue;
  /** Options for connectors the API calls directly (credential checks, mark-read pass-through). */
  connectorOptions?: ConnectorOptions;
  /** The caller's address and user agent, for the audit log. */
  request?: AuditRequestInfo;
  /** Where live-update streams listen; the process-wide hub (one LISTEN connection) by default. */
  live?: LiveHub;
  /**
   * Where the caller's memberships are kept between requests: by default the process-wide cache
   * when the context reads through the process-wide client (no `prisma` given), none otherwise.
   */
  membershipCache?: MembershipCache | null;
}

/** Connects to pg-boss on first use, so requests that queue nothing never touch it. */
const lazyJobQueue: JobQueue = {
  enqueueSync: async (accountId) => (await getJobQueue()).enqueueSync(accountId),
  enqueueReplyDelivery: async (replyId, startAfter) => (await getJobQueue()).enqueueReplyDelivery(replyId, startAfter),
  enqueueMarkReadUpstream: async (itemIds) => (await getJobQueue()).enqueueMarkReadUpstream(itemIds),
  enqueueAutomation: async (sellerId) => (await getJobQueue()).enqueueAutomation(sellerId),
};

export function createTRPCContext(options: CreateContextOptions) {
  const { userId } = options;
  const apiToken = options.apiToken ?? null;
  const prisma = options.prisma ?? getPrisma();
  const membershipCache = options.membershipCache !== undefined ? options.membershipCache : options.prisma ? null : getMembershipCache();
  let memberships: Promise<SellerMembership[]> | undefined;
  /** A token sees only its own seller, with the role its scopes amount to. */
  const listCallerMemberships = (): Promise<SellerMembership[]> =>
    apiToken
      ? Promise.resolve([{ id: apiToken.sellerId, name: apiToken.sellerName, role: roleForScopes(apiToken.scopes) }])
      : userId
        ? membershipCache
          ? membershipCache.read(userId, () => listMemberships(prisma, userId))
          : listMemberships(prisma, userId)
        : Promise.resolve([]);
  return {
    userId,
    apiToken,
    /** The API token that acts (audit log actor); null for sessions. */
    tokenId: apiToken?.tokenId ?? null,
    prisma,
    jobs: options.jobs ?? lazyJobQueue,
    connectorOptions: options.connectorOptions ?? {},
    request: options.request ?? NO_REQUEST_INFO,
    /** Connects on first use, so requests that stream nothing never open the LISTEN connection. */
    live: (): LiveHub => options.live ?? getLiveHub(),
    /**
     * The caller's sellers and roles, asked for at most once per context (one request: an HTTP batch
     * or one page render), from the membership cache, which drops a user's entry when the database
     * notifies a change to their memberships (auth/membership-cache.ts).
     */
    memberships: (): Promise<SellerMembership[]> => (memberships ??= listCallerMemberships()),
    /**
     * Runs a write that changes `userId`'s access (memberships, session version), then drops that
     * user's cached entries in this process at once: the user's next request (a redirect right after accepting an invitation) must
     * not wait for the database's notification, which the other processes go by.
     */
    async changingAccess<T>(userId: string, write: () => Promise<T>): Promise<T> {
      try {
        return await write();
      } finally {
        membershipCache?.changed(userId);
      }
    },
  };
}

export type TRPCContext = ReturnType<typeof createTRPCContext>;

type FieldErrors = { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };

/**
 * `scope`: what an API token needs to call the procedure. Seller queries default to `read`,
 * agent procedures to `reply`, owner procedures and other seller mutations to `manage`; procedures
 * outside a seller accept tokens only when they name a scope. `openapi`: the REST route.
 */
export type ProcedureMeta = OpenApiMeta<{ scope?: ApiTokenScope }>;

const t = initTRPC
  .context<TRPCContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: wireTransformer,
    // Live updates (routers/live.ts): a ping every 10 s keeps idle proxies from closing the stream,
    // and a client that hears nothing for 25 s reconnects (it resumes from its last event id).
    sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
    // Stack traces in error answers only under `next dev`: tRPC's default (anything but NODE_ENV
    // "production") would send them whenever a process forgot to set it.
    isDev: process.env.NODE_ENV === "development",
    errorFormatter({ shape, error }) {
      return {
        ...shape,
        // Our own failures stay in the server log: their text can name tables, queries or keys.
        message:
          error.code === "INTERNAL_SERVER_ERROR"
            ? "Something went wrong on our side. Try again; if it persists, contact support."
            : shape.message,
        data: {
          ...shape.data,
          // Field-level messages for forms: { fieldErrors: { text: ["..."] }, formErrors: [] }.
          zodError: error.cause instanceof ZodError ? (z.flattenError(error.cause) as FieldErrors) : null,
          reason: error.cause instanceof AppError ? error.cause.reason : null,
          details: error.cause instanceof AppError ? error.cause.details : null,
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The one place domain errors become tRPC errors: an AppError's reason decides the code. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const cause = result.ok ? null : result.error.cause;
  if (!result.ok && cause instanceof AppError && result.error.code !== APP_ERROR_CODES[cause.reason]) {
    return { ...result, error: new TRPCError({ code: APP_ERROR_CODES[cause.reason], message: cause.message, cause }) };
  }
  return result;
});

/** Whether a string anywhere in the input holds U+0000, which PostgreSQL text cannot store. */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 64 || value === null || typeof value !== "object") return false;
  return Object.values(value).some((entry) => holdsNul(entry, depth + 1));
}

/**
 * Refuses input with a NUL character in any text up front: PostgreSQL would reject the statement
 * (a 500 after a search for "%00"), and no marketplace text holds one.
 */
const noNulCharacters = t.middleware(async ({ getRawInput, next }) => {
  if (holdsNul(await getRawInput())) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Text must not contain the NUL character (U+0000). Remove it and try again." });
  }
  return next();
});

export const publicProcedure = t.procedure.use(appErrors).use(noNulCharacters);

/** A signed-in user, or a valid API token (then `userId` is the token's creator). */
const authenticatedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  // tRPC merges what `next` is given into the context: only the narrowed field is passed.
  return next({ ctx: { userId: ctx.userId } });
});

function requireTokenScope(token: ApiTokenPrincipal, scope: ApiTokenScope | undefined, path: string) {
  if (!scope) throw new TRPCError({ code: "FORBIDDEN", message: `API tokens cannot call ${path}; sign in to use it.` });
  if (!token.scopes.has(scope)) {
    throw new TRPCError({ code: "FORBIDDEN", message: `This API token lacks the "${scope}" scope needed for ${path}.` });
  }
}

/** Procedures outside a seller. API tokens may call only those whose meta names a scope. */
export const protectedProcedure = authenticatedProcedure.use(({ ctx, meta, path, next }) => {
  if (ctx.apiToken) requireTokenScope(ctx.apiToken, meta?.scope, path);
  return next();
});

const ROLE_RANK: Record<Role, number> = { VIEWER: 0, AGENT: 1, OWNER: 2 };

/**
 * Takes `sellerId`, checks that the caller is a member and puts the seller and role in the
 * context. A seller the caller does not belong to is reported as not found, so ids cannot be
 * probed.
 */
export const sellerProcedure = authenticatedProcedure
  .input(z.object({ sellerId: z.string().min(1).max(64) }))
  .use(async ({ ctx, input, meta, path, type, next }) => {
    if (ctx.apiToken) {
      if (ctx.apiToken.sellerId !== input.sellerId)
        throw new TRPCError({ code: "FORBIDDEN", message: "This API token belongs to another seller." });
      requireTokenScope(ctx.apiToken, meta?.scope ?? (type === "query" ? "read" : "manage"), path);
    }
    const membership = (await ctx.memberships()).find((candidate) => candidate.id === input.sellerId);
    if (!membership) throw new TRPCError({ code: "NOT_FOUND", message: "Seller not found." });
    return next({ ctx: { seller: { id: membership.id, name: membership.name }, role: membership.role } });
  });

/** Seller procedures that change data: OWNER or AGENT. */
export const sellerAgentProcedure = sellerProcedure.meta({ scope: "reply" }).use(({ ctx, next }) => {
  if (ROLE_RANK[ctx.role] < ROLE_RANK.AGENT) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Your role in this seller is read-only: ask an owner for agent access." });
  }
  return next();
});

/** Seller procedures that manage the seller itself (accounts, members): OWNER only. */
export const sellerOwnerProcedure = sellerProcedure.meta({ scope: "manage" }).use(({ ctx, next }) => {
  if (ctx.role !== "OWNER") throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner of this seller can do this." });
  return next();
});
