// Sign-in (review finding 3): failures are throttled per account and per address with the time
// until the next try; old, cheaper password hashes are replaced on a successful sign-in; sign-ins
// are in the audit log.
import type { PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { describe, expect, it } from "vitest";
import { authenticateUser, SIGN_IN_THROTTLE } from "../src/auth/authenticate";
import { hashPassword, PASSWORD_HASH_PARAMS, passwordNeedsRehash, verifyPassword } from "../src/auth/password";

const database = useTestDatabase();
const PASSWORD = "a long enough password";

async function userWith(prisma: PrismaClient, email: string, passwordHash?: string) {
  return prisma.user.create({ data: { email, name: "Тест", passwordHash: passwordHash ?? (await hashPassword(PASSWORD)) } });
}

describe("sign-in throttle", { timeout: 180_000 }, () => {
  it("refuses an account after too many failures, even with the right password, and says when to retry", async () => {
    const { prisma } = database();
    await userWith(prisma, "throttled@test.local");
    const request = { ip: "198.51.100.10", userAgent: "test" };
    for (let attempt = 0; attempt < SIGN_IN_THROTTLE.perAccount; attempt++) {
      expect(await authenticateUser(prisma, "throttled@test.local", "wrong password", request)).toEqual({ status: "invalid" });
    }
    // From another address too: the limit is the account's.
    const refused = await authenticateUser(prisma, "Throttled@test.local", PASSWORD, { ip: "198.51.100.99", userAgent: null });
    expect(refused.status).toBe("throttled");
    expect(refused.status === "throttled" && refused.retryAfterS).toBeGreaterThan(SIGN_IN_THROTTLE.windowMs / 1000 - 60);
    // Once the window has passed, the right password works again.
    const later = new Date(Date.now() + SIGN_IN_THROTTLE.windowMs + 1_000);
    expect((await authenticateUser(prisma, "throttled@test.local", PASSWORD, request, later)).status).toBe("ok");
  });

  it("refuses an address that fails across many accounts, while other addresses still sign in", async () => {
    const { prisma } = database();
    await userWith(prisma, "victim@test.local");
    const attacker = { ip: "203.0.113.66", userAgent: "spray" };
    for (let attempt = 0; attempt < SIGN_IN_THROTTLE.perAddress; attempt++) {
      await authenticateUser(prisma, `nobody-${attempt}@test.local`, "guess", attacker);
    }
    expect((await authenticateUser(prisma, "victim@test.local", PASSWORD, attacker)).status).toBe("throttled");
    expect((await authenticateUser(prisma, "victim@test.local", PASSWORD, { ip: "192.0.2.1", userAgent: null })).status).toBe("ok");
  });

  it("records sign-ins and failures against existing accounts in the audit log", async () => {
    const { prisma } = database();
    const user = await userWith(prisma, "audited@test.local");
    const request = { ip: "192.0.2.5", userAgent: "browser" };
    await authenticateUser(prisma, "audited@test.local", "wrong password", request);
    await authenticateUser(prisma, "audited@test.local", PASSWORD, request);
    const events = await prisma.auditEvent.findMany({ where: { actorUserId: user.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((event) => [event.action, event.ip, event.userAgent])).toEqual([
      ["auth.sign_in_failed", "192.0.2.5", "browser"],
      ["auth.sign_in", "192.0.2.5", "browser"],
    ]);
  });
});

describe("password hashing", { timeout: 180_000 }, () => {
  it("uses OWASP's scrypt cost, and rehashes an older, cheaper hash on sign-in", async () => {
    const { prisma } = database();
    expect(PASSWORD_HASH_PARAMS.N).toBeGreaterThanOrEqual(2 ** 17);
    const fresh = await hashPassword(PASSWORD);
    expect(fresh.startsWith(`scrypt$${PASSWORD_HASH_PARAMS.N}$8$1$`)).toBe(true);
    expect(passwordNeedsRehash(fresh)).toBe(false);

    // A hash as the app stored them before (N=2^14).
    const legacy = "scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$" + (await legacyHash(PASSWORD, "c2FsdHNhbHRzYWx0c2FsdA=="));
    expect(await verifyPassword(PASSWORD, legacy)).toBe(true);
    expect(passwordNeedsRehash(legacy)).toBe(true);
    const user = await userWith(prisma, "legacy@test.local", legacy);
    expect((await authenticateUser(prisma, "legacy@test.local", PASSWORD)).status).toBe("ok");
    const stored = (await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    expect(stored).not.toBe(legacy);
    expect(passwordNeedsRehash(stored)).toBe(false);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  });
});

async function legacyHash(password: string, salt: string): Promise<string> {
  const { scrypt } = await import("node:crypto");
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), Buffer.from(salt, "base64"), 64, { N: 16_384, r: 8, p: 1 }, (error, key) =>
      error ? reject(error) : resolve(key.toString("base64")),
    ),
  );
}
