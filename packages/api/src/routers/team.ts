// A seller's team: every member sees who is in it; owners invite (link shown once, or mailed when
// SMTP_URL is set), revoke invitations, change roles and remove members. Accepting an invitation is
// the invitee's own call (invitation.accept).
import { z } from "zod";
import { restRoute } from "../rest-route";
import { auditOriginOf } from "../services/audit";
import { invitationMail, mailSettingsFromEnv, sendMail } from "../services/mailer";
import {
  acceptInvitation,
  changeMemberRole,
  createInvitation,
  invitationPath,
  listTeam,
  removeMember,
  revokeInvitation,
} from "../services/team";
import { createTRPCRouter, protectedProcedure, sellerOwnerProcedure, sellerProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const roleSchema = z.enum(["OWNER", "AGENT", "VIEWER"]);

export const teamRouter = createTRPCRouter({
  /** Members with their roles; open invitations for owners only. */
  list: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/members", "Members with their roles, and open invitations (owners)"))
    .query(async ({ ctx }) => ({
      ...(await listTeam(ctx.prisma, ctx.seller.id, { withInvitations: ctx.role === "OWNER" })),
      canManage: ctx.role === "OWNER",
    })),

  /**
   * Invites an address with a role. With SMTP_URL set the link is mailed and not returned; without it
   * (or when the mail server refuses) the link's path is returned once, for the owner to pass on.
   */
  invite: sellerOwnerProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/invitations", "Invite someone by email with a role (the link is shown once or mailed)"))
    .input(z.object({ email: z.string().trim().max(320).pipe(z.email("Enter an email address.")), role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const { token, invitation } = await createInvitation(
        ctx.prisma,
        { sellerId: ctx.seller.id, email: input.email, role: input.role, invitedById: ctx.userId },
        auditOriginOf(ctx),
      );
      const path = invitationPath(token);
      const mail = mailSettingsFromEnv();
      if (!mail) return { invitation, emailed: false, mailFailed: false, path };
      try {
        await sendMail(mail, {
          to: invitation.email,
          ...invitationMail({
            sellerName: ctx.seller.name,
            inviterName: invitation.invitedBy ?? ctx.seller.name,
            role: invitation.role,
            link: mail.publicUrl + path,
            expiresAt: invitation.expiresAt,
          }),
        });
        return { invitation, emailed: true, mailFailed: false, path: null };
      } catch (error) {
        // The invitation stands; the owner passes the link on some other way.
        console.error(`[team] invitation mail to ${invitation.email} failed:`, error instanceof Error ? error.message : error);
        return { invitation, emailed: false, mailFailed: true, path };
      }
    }),

  revokeInvitation: sellerOwnerProcedure
    .meta(restRoute("DELETE", "/sellers/{sellerId}/invitations/{invitationId}", "Revoke an open invitation"))
    .input(z.object({ invitationId: id }))
    .mutation(({ ctx, input }) =>
      revokeInvitation(ctx.prisma, { sellerId: ctx.seller.id, invitationId: input.invitationId }, auditOriginOf(ctx)),
    ),

  /** The seller's last owner cannot be demoted. */
  changeRole: sellerOwnerProcedure
    .meta(restRoute("PATCH", "/sellers/{sellerId}/members/{userId}", "Change a member's role"))
    .input(z.object({ userId: id, role: roleSchema }))
    .mutation(({ ctx, input }) =>
      ctx.changingAccess(input.userId, () =>
        changeMemberRole(ctx.prisma, { sellerId: ctx.seller.id, userId: input.userId, role: input.role }, auditOriginOf(ctx)),
      ),
    ),

  /** The seller's last owner cannot be removed. */
  remove: sellerOwnerProcedure
    .meta(restRoute("DELETE", "/sellers/{sellerId}/members/{userId}", "Remove a member from the seller"))
    .input(z.object({ userId: id }))
    .mutation(({ ctx, input }) =>
      ctx.changingAccess(input.userId, () =>
        removeMember(ctx.prisma, { sellerId: ctx.seller.id, userId: input.userId }, auditOriginOf(ctx)),
      ),
    ),
});

export const invitationRouter = createTRPCRouter({
  /**
   * The signed-in user accepts an invitation sent to their own address. Accepting again (or a second
   * tab) is refused as used; an existing member keeps their role. Sessions only, never API tokens.
   */
  accept: protectedProcedure
    .input(z.object({ token: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) =>
      ctx.changingAccess(ctx.userId, () => acceptInvitation(ctx.prisma, { token: input.token, userId: ctx.userId }, auditOriginOf(ctx))),
    ),
});
