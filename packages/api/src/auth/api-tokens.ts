// API tokens: a seller's keys for other apps (`Authorization: Bearer inbox_…`). The secret is shown
// once; only its SHA-256 and a short prefix (to tell tokens apart in the UI) are stored. A token
// acts only on its seller and within its scopes, and never beyond what its creator may do: it stops
// working when the owner who created it is no longer an owner of that seller.
import { createHash, randomBytes } from "node:crypto";
import type { ApiTokenScope as DbScope, PrismaClient, Role } from "@inbox/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";

export const API_TOKEN_SCOPES = ["read", "reply", "manage"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
export const apiTokenScopeSchema = z.enum(API_TOKEN_SCOPES);

const TOKEN_PREFIX = "inbox_";
/** Enough for every app a seller connects; a bound on what one owner (or a script loop) can create. */
export const MAX_ACTIVE_TOKENS_PER_SELLER = 50;
/** Characters of the token kept for display: "inbox_" and six of the secret. */
const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
/** A token is "inbox_" + 43 base64url characters (32 random bytes). */
const TOKEN_PATTERN = /^inbox_[A-Za-z0-9_-]{43}$/;

const toDb: Record<ApiTokenScope, DbScope> = { read: "READ", reply: "REPLY", manage: "MANAGE" };
const fromDb: Record<DbScope, ApiTokenScope> = { READ: "read", REPLY: "reply", MANAGE: "manage" };

/** Who is calling when a request carries a valid token. */
export interface ApiTokenPrincipal {
  tokenId: string;
  sellerId: string;
  sellerName: string;
  /** The owner who created the token: replies sent with it are attributed to them. */
  createdById: string;
  scopes: ReadonlySet<ApiTokenScope>;
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The role a token's scopes amount to, so role checks written for members apply to tokens too. */
export function roleForScopes(scopes: ReadonlySet<ApiTokenScope>): Role {
  if (scopes.has("manage")) return "OWNER";
  if (scopes.has("reply")) return "AGENT";
  return "VIEWER";
}

/** "30d", "12h", "90m" → a date that far from `now`. */
export function parseExpiry(value: string, now = new Date()): Date {
  const match = /^(\d{1,4})([dhm])$/.exec(value.trim());
  if (!match) throw new Error(`Expiry "${value}" is not a duration such as 30d, 12h or 90m.`);
  const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as "d" | "h" | "m"];
  const amount = Number(match[1]);
  if (amount < 1) throw new Error("Expiry must be in the future.");
  return new Date(now.getTime() + amount * unitMs);
}

export const createApiTokenInput = z.object({
  name: z.string().trim().min(1, "Name the token (for example, the app that will use it).").max(100),
  scopes: z
    .array(apiTokenScopeSchema)
    .min(1, "Choose at least one scope.")
    .max(API_TOKEN_SCOPES.length)
    .transform((scopes) => [...new Set(scopes)]),
  /** Null: never expires. */
  expiresAt: z.coerce.date().nullish(),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenInput>;

/**
 * Creates a token for `sellerId` on behalf of `createdById`, who must be an OWNER of it. Returns
 * the secret (shown once) and the stored row's public fields.
 */
export async function createApiToken(
  prisma: PrismaClient,
  params: { sellerId: string; createdById: string } & CreateApiTokenInput,
  now = new Date(),
) {
  const input = createApiTokenInput.parse(params);
  if (input.expiresAt && input.expiresAt <= now) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The expiry date must be in the future." });
  }
  const membership = await prisma.membership.findUnique({
    where: { userId_sellerId: { userId: params.createdById, sellerId: params.sellerId } },
  });
  if (membership?.role !== "OWNER") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner of this seller can create API tokens." });
  }
  const active = await prisma.apiToken.count({ where: { sellerId: params.sellerId, revokedAt: null } });
  if (active >= MAX_ACTIVE_TOKENS_PER_SELLER) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `A seller can have at most ${MAX_ACTIVE_TOKENS_PER_SELLER} active API tokens: revoke one first.`,
    });
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await prisma.apiToken.create({
    data: {
      sellerId: params.sellerId,
      createdById: params.createdById,
      name: input.name,
      prefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
      secretHash: hashApiToken(token),
      scopes: input.scopes.map((scope) => toDb[scope]),
      expiresAt: input.expiresAt ?? null,
    },
    select: publicFields,
  });
  return { token, apiToken: toPublic(row) };
}

const publicFields = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  createdAt: true,
  createdBy: { select: { name: true, email: true } },
} as const;

type PublicRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: DbScope[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  createdAt: Date;
  createdBy: { name: string; email: string } | null;
};

function toPublic(row: PublicRow) {
  return { ...row, scopes: row.scopes.map((scope) => fromDb[scope]) };
}

/** A seller's tokens, newest first, revoked ones included (the list is the history). */
export async function listApiTokens(prisma: PrismaClient, sellerId: string) {
  const rows = await prisma.apiToken.findMany({ where: { sellerId }, orderBy: { createdAt: "desc" }, select: publicFields, take: 200 });
  return rows.map(toPublic);
}

export async function revokeApiToken(prisma: PrismaClient, params: { sellerId: string; tokenId: string }, now = new Date()) {
  const token = await prisma.apiToken.findFirst({
    where: { id: params.tokenId, sellerId: params.sellerId },
    select: { id: true, name: true, prefix: true, revokedAt: true },
  });
  if (!token) throw new TRPCError({ code: "NOT_FOUND", message: "API token not found." });
  /** `changed`: false when it was revoked already (revoking twice is harmless and logged once). */
  if (token.revokedAt) return { ...token, revokedAt: token.revokedAt, changed: false };
  await prisma.apiToken.update({ where: { id: token.id }, data: { revokedAt: now } });
  return { ...token, revokedAt: now, changed: true };
}

/** How long a token's last-used time may lag, so busy tokens do not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The principal behind a bearer token, or a 401 that says what is wrong. Records when and from
 * where the token was last used (awaited, at most once a minute per token and address).
 */
export async function resolveApiToken(
  prisma: PrismaClient,
  token: string,
  clientAddress: string | null,
  now = new Date(),
): Promise<ApiTokenPrincipal> {
  if (!TOKEN_PATTERN.test(token)) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "This is not an API token: tokens look like inbox_ followed by 43 characters." });
  }
  const row = await prisma.apiToken.findUnique({
    where: { secretHash: hashApiToken(token) },
    select: {
      id: true,
      sellerId: true,
      createdById: true,
      scopes: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      lastUsedIp: true,
      seller: { select: { name: true } },
      createdBy: { select: { memberships: { where: { role: "OWNER" }, select: { sellerId: true } } } },
    },
  });
  if (!row)
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "Unknown API token: check it, or create a new one in the seller's API settings.",
    });
  if (row.revokedAt) throw new TRPCError({ code: "UNAUTHORIZED", message: "This API token was revoked." });
  if (row.expiresAt && row.expiresAt <= now) throw new TRPCError({ code: "UNAUTHORIZED", message: "This API token has expired." });
  const creatorIsOwner = row.createdBy?.memberships.some((membership) => membership.sellerId === row.sellerId) ?? false;
  if (!row.createdById || !creatorIsOwner) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "The owner who created this API token no longer owns the seller; an owner has to create a new token.",
    });
  }
  const stale = !row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS || row.lastUsedIp !== clientAddress;
  if (stale)
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now, lastUsedIp: clientAddress?.slice(0, 64) ?? null } });
  return {
    tokenId: row.id,
    sellerId: row.sellerId,
    sellerName: row.seller.name,
    createdById: row.createdById,
    scopes: new Set(row.scopes.map((scope) => fromDb[scope])),
  };
}
