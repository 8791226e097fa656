// The audit log: who (a user, or an API token and its owner) did what, when and from which
// address. `recordAudit` is the one way to write it, from any procedure or service, inside the
// caller's transaction when there is one so that an entry exists exactly when the change does.
import type { Prisma, PrismaClient } from "@inbox/db";
import { TRPCError } from "@trpc/server";

/** Every action the log knows; the UI names each one in both languages. */
export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out_everywhere",
  "auth.password_changed",
  "reply.queued",
  "reply.edit_queued",
  "reply.retried",
  "account.created",
  "account.credentials_updated",
  "account.paused",
  "account.resumed",
  "account.removed",
  "account.resync_requested",
  "token.created",
  "token.revoked",
  "template.created",
  "template.updated",
  "template.deleted",
  "rule.created",
  "rule.updated",
  "rule.deleted",
  "rule.enabled",
  "rule.disabled",
  "member.added",
  "member.invited",
  "member.invitation_revoked",
  "member.accepted",
  "member.role_changed",
  "member.removed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: a web session (userId) or an API token (tokenId, with its owner as userId). */
export interface AuditActor {
  userId: string | null;
  tokenId?: string | null;
}

/** Where the request came from; unknown parts are null (calls from scripts, tests, workers). */
export interface AuditRequestInfo {
  ip: string | null;
  userAgent: string | null;
}

export const NO_REQUEST_INFO: AuditRequestInfo = { ip: null, userAgent: null };

/** Actor and request of one call: what a procedure hands to a service that records. */
export interface AuditOrigin {
  actor: AuditActor;
  request: AuditRequestInfo;
}

export interface AuditEntry {
  /** Null for a user's own events (sign-in etc.): the log of each seller the user belongs to shows them. */
  sellerId: string | null;
  action: AuditAction;
  target?: { type: string; id: string } | null;
  detail?: Prisma.InputJsonObject | null;
}

const MAX_USER_AGENT = 300;
const MAX_IP = 64;

export async function recordAudit(db: PrismaClient | Prisma.TransactionClient, origin: AuditOrigin, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      sellerId: entry.sellerId,
      actorUserId: origin.actor.userId,
      actorTokenId: origin.actor.tokenId ?? null,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      detail: entry.detail ?? undefined,
      ip: origin.request.ip?.slice(0, MAX_IP) ?? null,
      userAgent: origin.request.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    },
  });
}

/** The audit origin of a tRPC context (or anything shaped like one). */
export function auditOriginOf(ctx: { userId: string | null; request: AuditRequestInfo; tokenId?: string | null }): AuditOrigin {
  return { actor: { userId: ctx.userId, tokenId: ctx.tokenId ?? null }, request: ctx.request };
}

/**
 * The client's address as the app sees it: the first hop of X-Forwarded-For only when the operator
 * says a proxy sets it (INBOX_TRUST_PROXY=1), since anyone can send that header; else X-Real-IP
 * under the same rule; else null (Next.js does not expose the socket address to route handlers).
 */
export function requestInfoFromHeaders(
  headers: Pick<Headers, "get">,
  trustProxy = process.env.INBOX_TRUST_PROXY === "1",
): AuditRequestInfo {
  let ip: string | null = null;
  if (trustProxy) {
    ip = headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip")?.trim() || null;
  }
  return { ip, userAgent: headers.get("user-agent") };
}

export interface AuditEventView {
  id: string;
  action: string;
  createdAt: Date;
  actor: { userId: string | null; name: string | null; email: string | null; tokenId: string | null };
  target: { type: string; id: string } | null;
  detail: Prisma.JsonValue;
  ip: string | null;
  userAgent: string | null;
}

/**
 * A seller's log, newest first: its own entries and the personal entries (sign-ins, sign out
 * everywhere, password changes) of its current members. Keyset-paged by (createdAt, id).
 */
export async function listAuditEvents(
  prisma: PrismaClient,
  sellerId: string,
  options: { limit: number; cursor?: string | null },
): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
  const after = options.cursor ? decodeCursor(options.cursor) : null;
  if (options.cursor && !after)
    throw new TRPCError({ code: "BAD_REQUEST", message: "This page cursor is not valid: start from the first page." });
  const members = await prisma.membership.findMany({ where: { sellerId }, select: { userId: true } });
  const rows = await prisma.auditEvent.findMany({
    where: {
      AND: [
        { OR: [{ sellerId }, { sellerId: null, actorUserId: { in: members.map((member) => member.userId) } }] },
        after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {},
      ],
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit + 1,
  });
  const page = rows.slice(0, options.limit);
  const userIds = [...new Set(page.map((row) => row.actorUserId).filter((id): id is string => id !== null))];
  const users = await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } });
  const byId = new Map(users.map((user) => [user.id, user]));
  const last = page.at(-1);
  return {
    events: page.map((row) => ({
      id: row.id,
      action: row.action,
      createdAt: row.createdAt,
      actor: {
        userId: row.actorUserId,
        name: row.actorUserId ? (byId.get(row.actorUserId)?.name ?? null) : null,
        email: row.actorUserId ? (byId.get(row.actorUserId)?.email ?? null) : null,
        tokenId: row.actorTokenId,
      },
      target: row.targetType && row.targetId ? { type: row.targetType, id: row.targetId } : null,
      detail: row.detail,
      ip: row.ip,
      userAgent: row.userAgent,
    })),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
  };
}

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(value) || typeof value[0] !== "string" || typeof value[1] !== "string") return null;
    const createdAt = new Date(value[0]);
    return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: value[1] };
  } catch {
    return null;
  }
}
