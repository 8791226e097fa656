// Session revocation (review finding 7): "sign out everywhere" and a password change end every
// session issued before (their version no longer matches), other users' sessions stay, and both are
// in the audit log.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../src/auth/password";
import { currentSessionVersion, sessionIsCurrent } from "../src/auth/sessions";
import { callerFor, createUser } from "./fixtures";

const database = useTestDatabase();

describe("session revocation", { timeout: 180_000 }, () => {
  it("sign out everywhere refuses every token issued before, and only the caller's", async () => {
    const { prisma } = database();
    const [anna, boris] = await Promise.all([createUser(prisma, "Anna"), createUser(prisma, "Boris")]);
    const issuedWith = (await currentSessionVersion(prisma, anna.id))!;
    expect(await sessionIsCurrent(prisma, anna.id, issuedWith)).toBe(true);
    // Tokens from before session versions existed carry none: they count as version 0.
    expect(await sessionIsCurrent(prisma, anna.id, undefined)).toBe(true);

    await callerFor(prisma, anna.id).session.signOutEverywhere();
    expect(await sessionIsCurrent(prisma, anna.id, issuedWith)).toBe(false);
    expect(await sessionIsCurrent(prisma, anna.id, undefined)).toBe(false);
    expect(await sessionIsCurrent(prisma, anna.id, issuedWith + 1)).toBe(true); // a new sign-in
    expect(await sessionIsCurrent(prisma, boris.id, 0)).toBe(true);
    expect((await prisma.auditEvent.findMany({ where: { actorUserId: anna.id } })).map((event) => event.action)).toEqual([
      "auth.sign_out_everywhere",
    ]);
  });

  it("a password change checks the current password, then ends every session", async () => {
    const { prisma } = database();
    const user = await prisma.user.create({
      data: { email: "change@test.local", name: "Вера", passwordHash: await hashPassword("the old password") },
    });
    const caller = callerFor(prisma, user.id);
    await expect(caller.session.changePassword({ current: "not the password", next: "a brand new password" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await sessionIsCurrent(prisma, user.id, 0)).toBe(true);

    await caller.session.changePassword({ current: "the old password", next: "a brand new password" });
    expect(await sessionIsCurrent(prisma, user.id, 0)).toBe(false);
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword("a brand new password", stored.passwordHash)).toBe(true);
    expect((await prisma.auditEvent.findMany({ where: { actorUserId: user.id } })).map((event) => event.action)).toEqual([
      "auth.password_changed",
    ]);
  });

  it("refuses a deleted user's token", async () => {
    const { prisma } = database();
    const gone = await createUser(prisma, "Gone");
    await prisma.user.delete({ where: { id: gone.id } });
    expect(await sessionIsCurrent(prisma, gone.id, 0)).toBe(false);
  });
});
