// Session revocation: every user has a session version, carried in the session token when it is
// issued. "Sign out everywhere" and a password change raise it, so every token issued before is
// refused. The web app checks it on every request: one primary-key lookup, kept between requests by
// the process-wide membership cache, which drops it when the database notifies the change (migration
// session_notify): in every server process as soon as the change commits, and in the process that
// made it before the change is even answered.
import type { PrismaClient } from "@inbox/db";
import { AppError } from "../errors";
import { recordAudit, type AuditOrigin } from "../services/audit";
import type { MembershipCache } from "./membership-cache";
import { hashPassword, verifyPassword } from "./password";

/** The user's current session version, or null when the user no longer exists; through `cache` when given. */
export function currentSessionVersion(prisma: PrismaClient, userId: string, cache: MembershipCache | null = null): Promise<number | null> {
  const load = async () => {
    const rows = await prisma.$queryRaw<Array<{ sessionVersion: number }>>`SELECT "sessionVersion" FROM "User" WHERE "id" = ${userId}`;
    return rows[0]?.sessionVersion ?? null;
  };
  return cache ? cache.readSessionVersion(userId, load) : load();
}

/** Whether a session token's version (absent in tokens issued before versions existed: 0) is current. */
export async function sessionIsCurrent(
  prisma: PrismaClient,
  userId: string,
  tokenVersion: unknown,
  cache: MembershipCache | null = null,
): Promise<boolean> {
  const version = await currentSessionVersion(prisma, userId, cache);
  return version !== null && (typeof tokenVersion === "number" ? tokenVersion : 0) === version;
}

/** Ends every session of the user, this one included. */
export async function signOutEverywhere(prisma: PrismaClient, userId: string, origin: AuditOrigin): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
    await recordAudit(tx, origin, { sellerId: null, action: "auth.sign_out_everywhere" });
  });
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
}
