// Credentials sign-in: the one place that reads a password hash. Failed attempts are throttled per
// account (email) and per address, in the database so that every app process shares the count;
// each sign-in and each failure against an existing account goes to the audit log.
import type { PrismaClient } from "@inbox/db";
import { NO_REQUEST_INFO, recordAudit, type AuditRequestInfo } from "../services/audit";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "./password";

export const SIGN_IN_THROTTLE = {
  windowMs: 15 * 60_000,
  /** Failures per email within the window before further attempts are refused. */
  perAccount: 5,
  /** Failures per address within the window (several accounts behind one office NAT). */
  perAddress: 20,
} as const;

export type SignInResult =
  | { status: "ok"; user: { id: string; email: string; name: string; locale: string; sessionVersion: number } }
  | { status: "invalid" }
  | { status: "throttled"; retryAfterS: number };

export async function authenticateUser(
  prisma: PrismaClient,
  rawEmail: string,
  password: string,
  request: AuditRequestInfo = NO_REQUEST_INFO,
  now = new Date(),
): Promise<SignInResult> {
  const email = rawEmail.trim().toLowerCase();
  const throttled = await throttledFor(prisma, email, request.ip, now);
  if (throttled) return throttled;

  const user = await prisma.user.findUnique({ where: { email } });
  // Verify against a dummy hash when the user is unknown so timing does not reveal which emails exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) {
    await prisma.signInFailure.create({ data: { email, ip: request.ip } });
    if (user) await recordAudit(prisma, { actor: { userId: user.id }, request }, { sellerId: null, action: "auth.sign_in_failed" });
    return { status: "invalid" };
  }
  if (passwordNeedsRehash(user.passwordHash)) {
    // Only where the hash is still the one just checked: a concurrent password change wins.
    await prisma.user.updateMany({
      where: { id: user.id, passwordHash: user.passwordHash },
      data: { passwordHash: await hashPassword(password) },
    });
  }
  await prisma.signInFailure.deleteMany({ where: { email } });
  await recordAudit(prisma, { actor: { userId: user.id }, request }, { sellerId: null, action: "auth.sign_in" });
  return {
    status: "ok",
    user: { id: user.id, email: user.email, name: user.name, locale: user.locale, sessionVersion: user.sessionVersion },
  };
}

async function throttledFor(prisma: PrismaClient, email: string, ip: string | null, now: Date): Promise<SignInResult | null> {
  const since = new Date(now.getTime() - SIGN_IN_THROTTLE.windowMs);
  // Old failures are of no further use: prune them as we go, so the table stays small.
  await prisma.signInFailure.deleteMany({ where: { createdAt: { lt: since } } });
  const checks: Array<{ where: { email: string } | { ip: string }; limit: number }> = [
    { where: { email }, limit: SIGN_IN_THROTTLE.perAccount },
  ];
  if (ip) checks.push({ where: { ip }, limit: SIGN_IN_THROTTLE.perAddress });
  for (const check of checks) {
    const failures = await prisma.signInFailure.findMany({
      where: { ...check.where, createdAt: { gte: since } },
      orderBy: { createdAt: "desc" },
      take: check.limit,
      select: { createdAt: true },
    });
    if (failures.length >= check.limit) {
      // Allowed again once the oldest of the last `limit` failures leaves the window.
      const oldest = failures.at(-1)!.createdAt.getTime();
      return { status: "throttled", retryAfterS: Math.max(1, Math.ceil((oldest + SIGN_IN_THROTTLE.windowMs - now.getTime()) / 1000)) };
    }
  }
  return null;
}

const DUMMY_HASH =
  "scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
