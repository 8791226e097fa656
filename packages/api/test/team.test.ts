// Team work: invitations (stored hashed, accepted once, expired/revoked/used links refused, mailed
// through a real SMTP conversation when SMTP_URL is set), roles and removal (the last owner stays,
// also under concurrent changes), who may do what, and the audit trail.
import { createServer, type Server } from "node:net";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../src/errors";
import { NO_REQUEST_INFO } from "../src/services/audit";
import { acceptInvitationAsNewUser, describeInvitation, hashInvitationToken, INVITATION_TTL_MS } from "../src/services/team";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();
const origin = { actor: { userId: null }, request: NO_REQUEST_INFO };

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

const reasonOf = (error: TRPCError) => (error.cause instanceof AppError ? error.cause.reason : null);

/** A seller with an owner, an agent and a viewer, and an owner of another seller. */
async function team() {
  const { prisma } = database();
  const [owner, agent, viewer, outsider] = await Promise.all(["Olga", "Anton", "Vera", "Oscar"].map((name) => createUser(prisma, name)));
  const { seller } = await createSellerWithItems(prisma, "Команда", [{}]);
  const other = await createSellerWithItems(prisma, "Чужой", []);
  await addMember(prisma, owner!.id, seller.id, "OWNER");
  await addMember(prisma, agent!.id, seller.id, "AGENT");
  await addMember(prisma, viewer!.id, seller.id, "VIEWER");
  await addMember(prisma, outsider!.id, other.seller.id, "OWNER");
  return { prisma, owner: owner!, agent: agent!, viewer: viewer!, outsider: outsider!, sellerId: seller.id };
}

const tokenOf = (path: string | null) => path!.replace("/invite/", "");

describe("invitations", () => {
  it("keep only a hash of the link's secret, which is returned once", async () => {
    const { prisma, owner, sellerId } = await team();
    const invited = await callerFor(prisma, owner.id).team.invite({ sellerId, email: " New.Agent@Test.local ", role: "AGENT" });
    expect(invited.emailed).toBe(false);
    expect(invited.path).toMatch(/^\/invite\/[A-Za-z0-9_-]{43}$/);
    const row = await prisma.invitation.findUniqueOrThrow({ where: { id: invited.invitation.id } });
    expect(row.email).toBe("new.agent@test.local");
    expect(row.tokenHash).toBe(hashInvitationToken(tokenOf(invited.path)));
    expect(JSON.stringify(row)).not.toContain(tokenOf(invited.path));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(INVITATION_TTL_MS);
    const listed = await callerFor(prisma, owner.id).team.list({ sellerId });
    expect(listed.invitations.map((invitation) => invitation.email)).toEqual(["new.agent@test.local"]);
    expect(JSON.stringify(listed)).not.toContain(row.tokenHash);
  });

  it("make a new person a user and a member, once: accepting again is refused and adds nothing", async () => {
    const { prisma, owner, sellerId } = await team();
    const invited = await callerFor(prisma, owner.id).team.invite({ sellerId, email: "newcomer@test.local", role: "AGENT" });
    const params = { token: tokenOf(invited.path), name: "Нина", password: "a-long-password-1", locale: "en" };
    const joined = await acceptInvitationAsNewUser(prisma, params, origin);
    expect(joined).toEqual({ sellerId, email: "newcomer@test.local" });
    const user = await prisma.user.findUniqueOrThrow({ where: { email: "newcomer@test.local" } });
    expect(user).toMatchObject({ name: "Нина", locale: "en" });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    await expect(acceptInvitationAsNewUser(prisma, params, origin)).rejects.toMatchObject({ reason: "invitation_used" });
    const again = await failure(callerFor(prisma, user.id).invitation.accept({ token: params.token }));
    expect(reasonOf(again)).toBe("invitation_used");
    expect(await prisma.membership.findMany({ where: { userId: user.id }, select: { sellerId: true, role: true } })).toEqual([
      { sellerId, role: "AGENT" },
    ]);
    expect((await describeInvitation(prisma, params.token)).state).toBe("used");
  });

  it("accepted from two tabs at once create one membership", async () => {
    const { prisma, owner, sellerId } = await team();
    const invitee = await createUser(prisma, "Irina");
    const invited = await callerFor(prisma, owner.id).team.invite({ sellerId, email: invitee.email, role: "VIEWER" });
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => callerFor(prisma, invitee.id).invitation.accept({ token: tokenOf(invited.path) })),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results.filter((candidate) => candidate.status === "rejected"))
      expect(reasonOf((result as PromiseRejectedResult).reason as TRPCError)).toBe("invitation_used");
    expect(await prisma.membership.count({ where: { userId: invitee.id, sellerId } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { sellerId, action: "member.accepted" } })).toBe(1);
  });

  it("are accepted by a signed-in user only when the invited address is theirs", async () => {
    const { prisma, owner, outsider, sellerId } = await team();
    const invited = await callerFor(prisma, owner.id).team.invite({ sellerId, email: "someone-else@test.local", role: "AGENT" });
    const refused = await failure(callerFor(prisma, outsider.id).invitation.accept({ token: tokenOf(invited.path) }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(reasonOf(refused)).toBe("invitation_email_mismatch");
    expect(await prisma.membership.count({ where: { userId: outsider.id, sellerId } })).toBe(0);
    expect((await describeInvitation(prisma, tokenOf(invited.path))).state).toBe("open");
  });

  it("refuse expired, revoked, unknown and malformed links, before any password work", async () => {
    const { prisma, owner, sellerId } = await team();
    const caller = callerFor(prisma, owner.id);
    const expired = await caller.team.invite({ sellerId, email: "late@test.local", role: "AGENT" });
    await prisma.invitation.update({ where: { id: expired.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revoked = await caller.team.invite({ sellerId, email: "revoked@test.local", role: "AGENT" });
    await caller.team.revokeInvitation({ sellerId, invitationId: revoked.invitation.id });
    const cases: Array<[string, string]> = [
      [tokenOf(expired.path), "invitation_expired"],
      [tokenOf(revoked.path), "invitation_revoked"],
      ["B".repeat(43), "invitation_not_found"],
      ["../../etc/passwd", "invitation_not_found"],
    ];
    for (const [token, reason] of cases) {
      await expect(
        acceptInvitationAsNewUser(prisma, { token, name: "X", password: "a-long-password-1", locale: "ru" }, origin),
      ).rejects.toMatchObject({
        reason,
      });
      const user = await createUser(prisma, "Late");
      expect(reasonOf(await failure(callerFor(prisma, user.id).invitation.accept({ token })))).toBe(reason);
    }
    expect((await describeInvitation(prisma, tokenOf(expired.path))).state).toBe("expired");
    expect((await describeInvitation(prisma, tokenOf(revoked.path))).state).toBe("revoked");
    expect(await prisma.user.count({ where: { email: { in: ["late@test.local", "revoked@test.local"] } } })).toBe(0);
    expect(await prisma.membership.count({ where: { sellerId } })).toBe(3);
  });

  it("to an address with an account send the new-account path to sign in instead", async () => {
    const { prisma, owner, sellerId } = await team();
    const existing = await createUser(prisma, "Ekaterina");
    const invited = await callerFor(prisma, owner.id).team.invite({ sellerId, email: existing.email, role: "AGENT" });
    expect((await describeInvitation(prisma, tokenOf(invited.path))).accountExists).toBe(true);
    await expect(
      acceptInvitationAsNewUser(
        prisma,
        { token: tokenOf(invited.path), name: "Подмена", password: "a-long-password-1", locale: "ru" },
        origin,
      ),
    ).rejects.toMatchObject({ reason: "account_exists" });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: existing.id } })).name).toBe("Ekaterina");
  });

  it("replace an earlier open invitation to the same address, and refuse inviting a member", async () => {
    const { prisma, owner, agent, sellerId } = await team();
    const caller = callerFor(prisma, owner.id);
    const first = await caller.team.invite({ sellerId, email: "twice@test.local", role: "VIEWER" });
    await caller.team.invite({ sellerId, email: "twice@test.local", role: "AGENT" });
    expect((await describeInvitation(prisma, tokenOf(first.path))).state).toBe("revoked");
    expect((await caller.team.list({ sellerId })).invitations.map((invitation) => invitation.role)).toEqual(["AGENT"]);
    expect(reasonOf(await failure(caller.team.invite({ sellerId, email: agent.email.toUpperCase(), role: "OWNER" })))).toBe(
      "already_member",
    );
  });

  it("are limited per hour per seller", async () => {
    const { prisma, owner, sellerId } = await team();
    const caller = callerFor(prisma, owner.id);
    for (let index = 0; index < 20; index++) await caller.team.invite({ sellerId, email: `bulk-${index}@test.local`, role: "VIEWER" });
    const refused = await failure(caller.team.invite({ sellerId, email: "one-more@test.local", role: "VIEWER" }));
    expect(refused.code).toBe("TOO_MANY_REQUESTS");
    expect(await prisma.invitation.count({ where: { sellerId } })).toBe(20);
  });
});

describe("who may manage the team", () => {
  it("agents and viewers see the members but cannot invite, revoke, change roles or remove", async () => {
    const { prisma, owner, agent, viewer, sellerId } = await team();
    const invited = await callerFor(prisma, owner.id).team.invite({ sellerId, email: "pending@test.local", role: "AGENT" });
    for (const user of [agent, viewer]) {
      const caller = callerFor(prisma, user.id);
      const listed = await caller.team.list({ sellerId });
      expect(listed.canManage).toBe(false);
      expect(listed.members.map((member) => member.role)).toEqual(["OWNER", "AGENT", "VIEWER"]);
      expect(listed.invitations).toEqual([]);
      for (const call of [
        () => caller.team.invite({ sellerId, email: "x@test.local", role: "OWNER" }),
        () => caller.team.revokeInvitation({ sellerId, invitationId: invited.invitation.id }),
        () => caller.team.changeRole({ sellerId, userId: user.id, role: "OWNER" }),
        () => caller.team.remove({ sellerId, userId: owner.id }),
      ]) {
        expect((await failure(call())).code).toBe("FORBIDDEN");
      }
    }
    expect(await prisma.membership.findMany({ where: { sellerId }, orderBy: { role: "asc" }, select: { role: true } })).toEqual([
      { role: "OWNER" },
      { role: "AGENT" },
      { role: "VIEWER" },
    ]);
    expect(await prisma.invitation.count({ where: { sellerId, revokedAt: null } })).toBe(1);
  });

  it("a member of another seller gets nothing: not the list, not a change", async () => {
    const { prisma, owner, agent, outsider, sellerId } = await team();
    const invited = await callerFor(prisma, owner.id).team.invite({ sellerId, email: "pending@test.local", role: "AGENT" });
    const caller = callerFor(prisma, outsider.id);
    for (const call of [
      () => caller.team.list({ sellerId }),
      () => caller.team.invite({ sellerId, email: "x@test.local", role: "OWNER" }),
      () => caller.team.revokeInvitation({ sellerId, invitationId: invited.invitation.id }),
      () => caller.team.changeRole({ sellerId, userId: agent.id, role: "OWNER" }),
      () => caller.team.remove({ sellerId, userId: agent.id }),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toBe("Seller not found.");
    }
    // An owner's own seller does not reach another seller's invitations or members by id either.
    const otherSellerId = (await prisma.membership.findFirstOrThrow({ where: { userId: outsider.id } })).sellerId;
    expect(reasonOf(await failure(caller.team.revokeInvitation({ sellerId: otherSellerId, invitationId: invited.invitation.id })))).toBe(
      "invitation_not_found",
    );
    expect(reasonOf(await failure(caller.team.remove({ sellerId: otherSellerId, userId: agent.id })))).toBe("member_not_found");
    expect(await prisma.membership.count({ where: { sellerId } })).toBe(3);
    expect(await prisma.invitation.count({ where: { sellerId, revokedAt: null } })).toBe(1);
  });
});

describe("roles and removal", () => {
  it("the last owner can be neither demoted nor removed", async () => {
    const { prisma, owner, sellerId } = await team();
    const caller = callerFor(prisma, owner.id);
    for (const call of [
      () => caller.team.changeRole({ sellerId, userId: owner.id, role: "AGENT" }),
      () => caller.team.remove({ sellerId, userId: owner.id }),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe("PRECONDITION_FAILED");
      expect(reasonOf(error)).toBe("last_owner");
    }
    expect((await prisma.membership.findFirstOrThrow({ where: { userId: owner.id, sellerId } })).role).toBe("OWNER");
  });

  it("two owners demoting each other at once leave one owner", async () => {
    const { prisma, owner, agent, sellerId } = await team();
    await callerFor(prisma, owner.id).team.changeRole({ sellerId, userId: agent.id, role: "OWNER" });
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([
        callerFor(prisma, owner.id).team.changeRole({ sellerId, userId: agent.id, role: "VIEWER" }),
        callerFor(prisma, agent.id).team.remove({ sellerId, userId: owner.id }),
      ]);
      expect(results.filter((result) => result.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
      expect(await prisma.membership.count({ where: { sellerId, role: "OWNER" } })).toBe(1);
      // Back to two owners for the next round.
      const remaining = await prisma.membership.findFirstOrThrow({ where: { sellerId, role: "OWNER" } });
      const other = remaining.userId === owner.id ? agent : owner;
      await prisma.membership.upsert({
        where: { userId_sellerId: { userId: other.id, sellerId } },
        create: { userId: other.id, sellerId, role: "OWNER" },
        update: { role: "OWNER" },
      });
    }
  });

  it("an owner changes roles and removes members; a removed member loses access at once", async () => {
    const { prisma, owner, agent, viewer, sellerId } = await team();
    const caller = callerFor(prisma, owner.id);
    expect(await caller.team.changeRole({ sellerId, userId: viewer.id, role: "AGENT" })).toEqual({ userId: viewer.id, role: "AGENT" });
    await caller.team.remove({ sellerId, userId: agent.id });
    expect((await failure(callerFor(prisma, agent.id).inbox.list({ sellerId }))).code).toBe("NOT_FOUND");
    expect(reasonOf(await failure(caller.team.changeRole({ sellerId, userId: agent.id, role: "VIEWER" })))).toBe("member_not_found");
    expect((await caller.team.list({ sellerId })).members.map((member) => [member.userId, member.role])).toEqual([
      [owner.id, "OWNER"],
      [viewer.id, "AGENT"],
    ]);
  });

  it("each change is in the seller's audit log with its actor", async () => {
    const { prisma, owner, viewer, agent, sellerId } = await team();
    const caller = callerFor(prisma, owner.id);
    const invited = await caller.team.invite({ sellerId, email: "audited@test.local", role: "AGENT" });
    await caller.team.revokeInvitation({ sellerId, invitationId: invited.invitation.id });
    const again = await caller.team.invite({ sellerId, email: "audited@test.local", role: "AGENT" });
    await acceptInvitationAsNewUser(
      prisma,
      { token: tokenOf(again.path), name: "Аудит", password: "a-long-password-1", locale: "ru" },
      origin,
    );
    await caller.team.changeRole({ sellerId, userId: viewer.id, role: "AGENT" });
    await caller.team.remove({ sellerId, userId: agent.id });
    const log = await caller.audit.list({ sellerId, limit: 20 });
    const newcomer = await prisma.user.findUniqueOrThrow({ where: { email: "audited@test.local" } });
    expect(log.events.map((event) => [event.action, event.actor.userId]).reverse()).toEqual([
      ["member.invited", owner.id],
      ["member.invitation_revoked", owner.id],
      ["member.invited", owner.id],
      ["member.accepted", newcomer.id],
      ["member.role_changed", owner.id],
      ["member.removed", owner.id],
    ]);
    expect(log.events.find((event) => event.action === "member.role_changed")?.detail).toEqual({ from: "VIEWER", to: "AGENT" });
  });
});

/** A minimal SMTP server that accepts every message and keeps it: the real protocol, no relay. */
async function smtpSink(): Promise<{ server: Server; port: number; messages: string[] }> {
  const messages: string[] = [];
  const server = createServer((socket) => {
    let buffer = "";
    let inData = false;
    socket.write("220 sink ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          messages.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write("250 queued\r\n");
          continue;
        }
        const line = buffer.indexOf("\r\n");
        if (line < 0) return;
        const command = buffer.slice(0, line).toUpperCase();
        buffer = buffer.slice(line + 2);
        if (command.startsWith("EHLO")) socket.write("250-sink\r\n250 8BITMIME\r\n");
        else if (command.startsWith("DATA")) {
          inData = true;
          socket.write("354 go on\r\n");
        } else if (command.startsWith("QUIT")) socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0, messages };
}

describe("with SMTP_URL set", () => {
  const saved = { SMTP_URL: process.env.SMTP_URL, NEXTAUTH_URL: process.env.NEXTAUTH_URL };
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  beforeEach(async () => {
    sink = await smtpSink();
    process.env.NEXTAUTH_URL = "https://inbox.example.ru";
  });
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await new Promise((resolve) => sink.server.close(resolve));
  });

  it("mails the link instead of returning it, and the mailed link accepts", async () => {
    const { prisma, owner, sellerId } = await team();
    process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
    const invited = await callerFor(prisma, owner.id).team.invite({ sellerId, email: "mailed@test.local", role: "AGENT" });
    expect(invited).toMatchObject({ emailed: true, mailFailed: false, path: null });
    expect(sink.messages).toHaveLength(1);
    const mail = sink.messages[0]!.replace(/=\r\n/g, "");
    expect(mail).toMatch(/^To: mailed@test\.local$/m);
    const token = /https:\/\/inbox\.example\.ru\/invite\/([A-Za-z0-9_-]{43})/.exec(mail)?.[1];
    expect(token).toBeDefined();
    expect((await describeInvitation(prisma, token!)).state).toBe("open");
    await acceptInvitationAsNewUser(prisma, { token: token!, name: "Почта", password: "a-long-password-1", locale: "ru" }, origin);
    expect(await prisma.membership.count({ where: { sellerId, user: { email: "mailed@test.local" } } })).toBe(1);
  });

  it("returns the link to copy when the mail server cannot be reached", async () => {
    const { prisma, owner, sellerId } = await team();
    await new Promise((resolve) => sink.server.close(resolve));
    process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
    sink = await smtpSink(); // a fresh sink for afterEach to close; the closed port refuses
    const invited = await callerFor(prisma, owner.id).team.invite({ sellerId, email: "unmailed@test.local", role: "AGENT" });
    expect(invited).toMatchObject({ emailed: false, mailFailed: true });
    expect((await describeInvitation(prisma, tokenOf(invited.path))).state).toBe("open");
  });
});

describe("profile", () => {
  it("changes the caller's own name and language, and nobody else's", async () => {
    const { prisma, owner, agent } = await team();
    const caller = callerFor(prisma, agent.id);
    expect(await caller.profile.update({ name: "  Антон Петров ", locale: "en" })).toMatchObject({ name: "Антон Петров", locale: "en" });
    expect(await caller.profile.get()).toEqual({ name: "Антон Петров", email: agent.email, locale: "en" });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).locale).toBe("ru");
    expect((await failure(caller.profile.update({ name: " " }))).code).toBe("BAD_REQUEST");
    expect((await failure(caller.profile.update({ locale: "de" as "en" }))).code).toBe("BAD_REQUEST");
    expect((await failure(callerFor(prisma, null).profile.get())).code).toBe("UNAUTHORIZED");
  });
});

describe("who answered", () => {
  it("the item names the member whose reply became its answer, and its outbox entries their authors", async () => {
    const { prisma, owner, agent, sellerId } = await team();
    const item = await prisma.item.findFirstOrThrow({ where: { sellerId } });
    await prisma.reply.create({
      data: { itemId: item.id, authorId: agent.id, text: "Спасибо за отзыв!", status: "SENT", idempotencyKey: "who-1" },
    });
    await prisma.item.update({ where: { id: item.id }, data: { answered: true, answerText: "Спасибо за отзыв!" } });
    const seen = await callerFor(prisma, owner.id).inbox.get({ sellerId, itemId: item.id });
    expect(seen.answeredBy).toBe("Anton");

    const other = await prisma.item.create({
      data: {
        sellerId,
        accountId: item.accountId,
        marketplace: item.marketplace,
        channel: "REVIEW",
        externalId: "who-2",
        text: "Где инструкция?",
        upstreamCreatedAt: item.upstreamCreatedAt,
        lastActivityAt: item.lastActivityAt,
      },
    });
    await prisma.reply.create({
      data: { itemId: other.id, authorId: agent.id, text: "Уточним", status: "FAILED", idempotencyKey: "who-2" },
    });
    const pending = await callerFor(prisma, owner.id).inbox.get({ sellerId, itemId: other.id });
    expect(pending.answeredBy).toBeNull();
    expect(pending.replies.map((reply) => reply.author?.name)).toEqual(["Anton"]);
  });
});
