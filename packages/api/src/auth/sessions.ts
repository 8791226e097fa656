// Session revocation: every user has a session version, carried in the session token when it is
// issued. "Sign out everywhere" and a password change raise it, so every token issued before is
// refused. The web app checks it on every request: one primary-key lookup, cached for a few
// seconds per process (a revocation reaches other processes within that time, this one at once).
import type { PrismaClient } from "@inbox/db";
import { AppError } from "../errors";
import { recordAudit, type AuditOrigin } from "../services/audit";
import { hashPassword, verifyPassword } from "./password";

export const SESSION_VERSION_CACHE_MS = 5_000;
// On globalThis: Next.js bundles this module once for route handlers and once for pages, and a
// revocation made through one must reach the other at once.
const globalCache = globalThis as typeof globalThis & { __inboxSessionVersions?: Map<string, { version: number | null; until: number }> };
const cached = (globalCache.__inboxSessionVersions ??= new Map());

/** The user's current session version, or null when the user no longer exists. */
export async function currentSessionVersion(prisma: PrismaClient, userId: string, now = Date.now()): Promise<number | null> {
  const hit = cached.get(userId);
  if (hit && hit.until > now) return hit.version;
  const rows = await prisma.$queryRaw<Array<{ sessionVersion: number }>>`SELECT "sessionVersion" FROM "User" WHERE "id" = ${userId}`;
  const version = rows[0]?.sessionVersion ?? null;
  if (cached.size > 10_000) cached.clear(); // bounded: a cache, not a registry
  cached.set(userId, { version, until: now + SESSION_VERSION_CACHE_MS });
  return version;
}

/** Whether a session token's version (absent in tokens issued before versions existed: 0) is current. */
export async function sessionIsCurrent(prisma: PrismaClient, userId: string, tokenVersion: unknown): Promise<boolean> {
  const version = await currentSessionVersion(prisma, userId);
  return version !== null && (typeof tokenVersion === "number" ? tokenVersion : 0) === version;
}

/** Ends every session of the user, this one included. */
export async function signOutEverywhere(prisma: PrismaClient, userId: string, origin: AuditOrigin): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
    await recordAudit(tx, origin, { sellerId: null, action: "auth.sign_out_everywhere" });
  });
  cached.delete(userId);
}

/** Changes the password after checking the current one, and ends every session of the user. */
export async function changePassword(
  prisma: PrismaClient,
  userId: string,
  passwords: { current: string; next: string },
  origin: AuditOrigin,
): Promise<void> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(passwords.current, user.passwordHash))) {
    throw new AppError("current_password_incorrect", "The current password is not correct.");
  }
  const passwordHash = await hashPassword(passwords.next);
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    await recordAudit(tx, origin, { sellerId: null, action: "auth.password_changed" });
  });
  cached.delete(userId);
}
