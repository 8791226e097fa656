// A seller's team: members with their roles, and invitations to join. An invitation link carries a
// random secret; only its SHA-256 is stored, so the link (shown or mailed once) is the only way to
// accept. Role changes and removals lock the seller's memberships first, so two owners demoting each
// other at once cannot leave the seller without an owner.
import { createHash, randomBytes } from "node:crypto";
import { Prisma, type PrismaClient, type Role } from "@inbox/db";
import { hashPassword } from "../auth/password";
import { AppError } from "../errors";
import { recordAudit, type AuditOrigin } from "./audit";

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;
/** Open invitations a seller may have at once; a bound on what one owner (or a script loop) can create. */
export const MAX_PENDING_INVITATIONS = 50;
/** Invitations a seller may send per hour: each may send an email, so a loop must not spam. */
export const MAX_INVITATIONS_PER_HOUR = 20;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The path of the page that accepts an invitation. */
export function invitationPath(token: string): string {
  return `/invite/${token}`;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface TeamMember {
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: Date;
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: Date;
  createdAt: Date;
  invitedBy: string | null;
}

/** Members by role (owners first), then name; and the invitations nobody has accepted or revoked yet. */
export async function listTeam(
  prisma: PrismaClient,
  sellerId: string,
  options: { withInvitations: boolean },
  now = new Date(),
): Promise<{ members: TeamMember[]; invitations: PendingInvitation[] }> {
  const rank: Record<Role, number> = { OWNER: 0, AGENT: 1, VIEWER: 2 };
  const [memberships, invitations] = await Promise.all([
    prisma.membership.findMany({ where: { sellerId }, include: { user: { select: { name: true, email: true } } } }),
    options.withInvitations
      ? prisma.invitation.findMany({
          where: { sellerId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          include: { invitedBy: { select: { name: true } } },
        })
      : Promise.resolve([]),
  ]);
  return {
    members: memberships
      .map((membership) => ({
        userId: membership.userId,
        name: membership.user.name,
        email: membership.user.email,
        role: membership.role,
        joinedAt: membership.createdAt,
      }))
      .sort((a, b) => rank[a.role] - rank[b.role] || a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId)),
    invitations: invitations.map((invitation) => ({
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
      createdAt: invitation.createdAt,
      invitedBy: invitation.invitedBy?.name ?? null,
    })),
  };
}

/**
 * Creates an invitation and returns its secret (the link's last part; never stored). An earlier open
 * invitation for the same address is revoked: the newest link is the one that works.
 */
export async function createInvitation(
  prisma: PrismaClient,
  params: { sellerId: string; email: string; role: Role; invitedById: string },
  origin: AuditOrigin,
  now = new Date(),
): Promise<{ token: string; invitation: PendingInvitation }> {
  const email = normalizeEmail(params.email);
  const token = randomBytes(32).toString("base64url");
  const invitation = await prisma.$transaction(async (tx) => {
    // One invitation at a time per seller: the limits below count rows this transaction may add to.
    // NO KEY UPDATE: rows that reference the seller (items, replies) can still be written meanwhile.
    await tx.$queryRaw`SELECT "id" FROM "Seller" WHERE "id" = ${params.sellerId} FOR NO KEY UPDATE`;
    const member = await tx.membership.findFirst({ where: { sellerId: params.sellerId, user: { email } }, select: { id: true } });
    if (member) throw new AppError("already_member", "This person is already a member of the seller.");
    // One after the other: a transaction is one connection, which runs one statement at a time
    // (node-postgres queues a second one and warns that pg 9 will refuse it).
    const pending = await tx.invitation.count({
      where: { sellerId: params.sellerId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    });
    const lastHour = await tx.invitation.count({
      where: { sellerId: params.sellerId, createdAt: { gt: new Date(now.getTime() - 3_600_000) } },
    });
    if (pending >= MAX_PENDING_INVITATIONS)
      throw new AppError("invitations_limit", `A seller can have at most ${MAX_PENDING_INVITATIONS} open invitations: revoke one first.`, {
        details: { max: MAX_PENDING_INVITATIONS },
      });
    if (lastHour >= MAX_INVITATIONS_PER_HOUR)
      throw new AppError("invitations_rate", `At most ${MAX_INVITATIONS_PER_HOUR} invitations an hour: try again later.`, {
        details: { max: MAX_INVITATIONS_PER_HOUR },
      });
    await tx.invitation.updateMany({
      where: { sellerId: params.sellerId, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const row = await tx.invitation.create({
      data: {
        sellerId: params.sellerId,
        email,
        role: params.role,
        tokenHash: hashInvitationToken(token),
        invitedById: params.invitedById,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        createdAt: now,
      },
      include: { invitedBy: { select: { name: true } } },
    });
    await recordAudit(tx, origin, {
      sellerId: params.sellerId,
      action: "member.invited",
      target: { type: "invitation", id: row.id },
      detail: { email, role: params.role },
    });
    return row;
  });
  return {
    token,
    invitation: {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
      createdAt: invitation.createdAt,
      invitedBy: invitation.invitedBy?.name ?? null,
    },
  };
}

export async function revokeInvitation(
  prisma: PrismaClient,
  params: { sellerId: string; invitationId: string },
  origin: AuditOrigin,
  now = new Date(),
): Promise<{ id: string; revokedAt: Date }> {
  return prisma.$transaction(async (tx) => {
    const revoked = await tx.invitation.updateMany({
      where: { id: params.invitationId, sellerId: params.sellerId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const row = await tx.invitation.findFirst({ where: { id: params.invitationId, sellerId: params.sellerId } });
    if (!row) throw new AppError("invitation_not_found", "This invitation does not exist.");
    if (row.acceptedAt) throw new AppError("invitation_used", "This invitation has already been accepted.");
    if (revoked.count > 0) {
      await recordAudit(tx, origin, {
        sellerId: params.sellerId,
        action: "member.invitation_revoked",
        target: { type: "invitation", id: row.id },
        detail: { email: row.email, role: row.role },
      });
    }
    return { id: row.id, revokedAt: row.revokedAt ?? now };
  });
}

/**
 * Locks every membership of the seller (in id order, so concurrent changes queue instead of
 * deadlocking) and returns them: the owner count read here stays true until the transaction ends.
 */
async function lockMemberships(tx: Prisma.TransactionClient, sellerId: string) {
  return tx.$queryRaw<Array<{ userId: string; role: Role }>>`
    SELECT "userId", "role"::text AS "role" FROM "Membership" WHERE "sellerId" = ${sellerId} ORDER BY "id" FOR UPDATE`;
}

function refuseLastOwner(members: Array<{ userId: string; role: Role }>, userId: string) {
  const owners = members.filter((member) => member.role === "OWNER");
  if (owners.length === 1 && owners[0]!.userId === userId)
    throw new AppError("last_owner", "A seller needs at least one owner: make someone else an owner first.");
}

export async function changeMemberRole(
  prisma: PrismaClient,
  params: { sellerId: string; userId: string; role: Role },
  origin: AuditOrigin,
): Promise<{ userId: string; role: Role }> {
  return prisma.$transaction(async (tx) => {
    const members = await lockMemberships(tx, params.sellerId);
    const member = members.find((candidate) => candidate.userId === params.userId);
    if (!member) throw new AppError("member_not_found", "This person is not a member of the seller.");
    if (member.role === params.role) return { userId: params.userId, role: params.role };
    if (member.role === "OWNER") refuseLastOwner(members, params.userId);
    await tx.membership.update({
      where: { userId_sellerId: { userId: params.userId, sellerId: params.sellerId } },
      data: { role: params.role },
    });
    await recordAudit(tx, origin, {
      sellerId: params.sellerId,
      action: "member.role_changed",
      target: { type: "user", id: params.userId },
      detail: { from: member.role, to: params.role },
    });
    return { userId: params.userId, role: params.role };
  });
}

export async function removeMember(
  prisma: PrismaClient,
  params: { sellerId: string; userId: string },
  origin: AuditOrigin,
): Promise<{ userId: string }> {
  return prisma.$transaction(async (tx) => {
    const members = await lockMemberships(tx, params.sellerId);
    const member = members.find((candidate) => candidate.userId === params.userId);
    if (!member) throw new AppError("member_not_found", "This person is not a member of the seller.");
    if (member.role === "OWNER") refuseLastOwner(members, params.userId);
    await tx.membership.delete({ where: { userId_sellerId: { userId: params.userId, sellerId: params.sellerId } } });
    await recordAudit(tx, origin, {
      sellerId: params.sellerId,
      action: "member.removed",
      target: { type: "user", id: params.userId },
      detail: { role: member.role },
    });
    return { userId: params.userId };
  });
}

export type InvitationState = "open" | "expired" | "revoked" | "used" | "not_found";

export interface InvitationView {
  state: InvitationState;
  /** Set unless not_found. */
  sellerName: string | null;
  email: string | null;
  role: Role | null;
  invitedBy: string | null;
  expiresAt: Date | null;
  /** Whether someone already signs in with the invited address (then they sign in to accept). */
  accountExists: boolean;
}

type InvitationRow = {
  id: string;
  sellerId: string;
  email: string;
  role: Role;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
};

function stateOf(row: InvitationRow | null | undefined, now: Date): InvitationState {
  if (!row) return "not_found";
  if (row.acceptedAt) return "used";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt <= now) return "expired";
  return "open";
}

/** What the invitation page shows to whoever holds the link. */
export async function describeInvitation(prisma: PrismaClient, token: string, now = new Date()): Promise<InvitationView> {
  const row = TOKEN_PATTERN.test(token)
    ? await prisma.invitation.findUnique({
        where: { tokenHash: hashInvitationToken(token) },
        include: { seller: { select: { name: true } }, invitedBy: { select: { name: true } } },
      })
    : null;
  if (!row)
    return { state: "not_found", sellerName: null, email: null, role: null, invitedBy: null, expiresAt: null, accountExists: false };
  const account = await prisma.user.findUnique({ where: { email: row.email }, select: { id: true } });
  return {
    state: stateOf(row, now),
    sellerName: row.seller.name,
    email: row.email,
    role: row.role,
    invitedBy: row.invitedBy?.name ?? null,
    expiresAt: row.expiresAt,
    accountExists: account !== null,
  };
}

/** Locks the invitation behind a token and refuses it unless it is open: one acceptance per link. */
async function lockOpenInvitation(tx: Prisma.TransactionClient, token: string, now: Date): Promise<InvitationRow> {
  const rows = TOKEN_PATTERN.test(token)
    ? await tx.$queryRaw<InvitationRow[]>`
        SELECT "id", "sellerId", "email", "role"::text AS "role", "expiresAt", "acceptedAt", "revokedAt"
        FROM "Invitation" WHERE "tokenHash" = ${hashInvitationToken(token)} FOR UPDATE`
    : [];
  const row = rows[0];
  const state = stateOf(row, now);
  if (state === "not_found") throw new AppError("invitation_not_found", "This invitation link is not valid.");
  if (state === "used") throw new AppError("invitation_used", "This invitation has already been accepted.");
  if (state === "revoked") throw new AppError("invitation_revoked", "This invitation was revoked.");
  if (state === "expired") throw new AppError("invitation_expired", "This invitation has expired.");
  return row!;
}

async function join(tx: Prisma.TransactionClient, invitation: InvitationRow, userId: string, origin: AuditOrigin, now: Date) {
  // Someone who is already a member keeps their role; the invitation is used up all the same.
  await tx.membership.upsert({
    where: { userId_sellerId: { userId, sellerId: invitation.sellerId } },
    create: { userId, sellerId: invitation.sellerId, role: invitation.role },
    update: {},
  });
  await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: now, acceptedById: userId } });
  await recordAudit(tx, origin, {
    sellerId: invitation.sellerId,
    action: "member.accepted",
    target: { type: "user", id: userId },
    detail: { email: invitation.email, role: invitation.role, invitationId: invitation.id },
  });
}

/** A signed-in user accepts an invitation sent to their own address. */
export async function acceptInvitation(
  prisma: PrismaClient,
  params: { token: string; userId: string },
  origin: AuditOrigin,
  now = new Date(),
): Promise<{ sellerId: string }> {
  return prisma.$transaction(async (tx) => {
    const invitation = await lockOpenInvitation(tx, params.token, now);
    const user = await tx.user.findUnique({ where: { id: params.userId }, select: { email: true } });
    if (!user || normalizeEmail(user.email) !== invitation.email)
      throw new AppError("invitation_email_mismatch", "This invitation was sent to another email address.", {
        details: { email: invitation.email },
      });
    await join(tx, invitation, params.userId, origin, now);
    return { sellerId: invitation.sellerId };
  });
}

/**
 * Someone without an account accepts: the user is created with the invited address, the name and
 * the password given, and joins the seller. The password is hashed only for an open invitation, so
 * requests without a valid link cost no scrypt work.
 */
export async function acceptInvitationAsNewUser(
  prisma: PrismaClient,
  params: { token: string; name: string; password: string; locale: string },
  origin: AuditOrigin,
  now = new Date(),
): Promise<{ sellerId: string; email: string }> {
  await prisma.$transaction((tx) => lockOpenInvitation(tx, params.token, now));
  const passwordHash = await hashPassword(params.password);
  return prisma.$transaction(async (tx) => {
    const invitation = await lockOpenInvitation(tx, params.token, now);
    const existing = await tx.user.findUnique({ where: { email: invitation.email }, select: { id: true } });
    if (existing) throw new AppError("account_exists", "An account with this email already exists: sign in to accept.");
    const user = await tx.user
      .create({ data: { email: invitation.email, name: params.name, passwordHash, locale: params.locale }, select: { id: true } })
      .catch((error: unknown) => {
        // Another invitation to the same address was accepted a moment ago.
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
          throw new AppError("account_exists", "An account with this email already exists: sign in to accept.");
        throw error;
      });
    await join(tx, invitation, user.id, { ...origin, actor: { userId: user.id, tokenId: null } }, now);
    return { sellerId: invitation.sellerId, email: invitation.email };
  });
}
