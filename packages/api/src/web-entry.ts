// What the web app's route handlers and sign-in need besides the tRPC routers, on the process-wide
// database: the web app never opens @inbox/db itself, so every query it causes lives in this package.
import type { ConnectorOptions } from "@inbox/connectors";
import { getPrisma } from "@inbox/db";
import { authenticateUser } from "./auth/authenticate";
import { getMembershipCache } from "./auth/membership-cache";
import { sessionIsCurrent } from "./auth/sessions";
import type { AuditRequestInfo } from "./services/audit";
import { downloadItemAttachment } from "./services/attachments";
import { acceptInvitationAsNewUser, describeInvitation } from "./services/team";

/** Email + password sign-in, throttled per account and address (auth/authenticate.ts). */
export function signInWithPassword(email: string, password: string, request: AuditRequestInfo) {
  return authenticateUser(getPrisma(), email, password, request);
}

/** Whether a session cookie's version is still the user's (not ended by "end all sessions"). */
export function isSessionCurrent(userId: string, tokenVersion: unknown) {
  return sessionIsCurrent(getPrisma(), userId, tokenVersion, getMembershipCache());
}

/** Database round trip for the health check; throws when the database cannot be reached. */
export async function pingDatabase(): Promise<{ latencyMs: number }> {
  const started = performance.now();
  await getPrisma().$queryRaw`SELECT 1`;
  return { latencyMs: Math.round(performance.now() - started) };
}

/** A marketplace-served chat file; the caller has checked access through the tRPC router first. */
export function downloadAttachment(params: { sellerId: string; itemId: string; downloadId: string; connectorOptions?: ConnectorOptions }) {
  return downloadItemAttachment(getPrisma(), params);
}

/** What the invitation page shows to whoever holds the link (no session needed: the link is the key). */
export function describeInvitationLink(token: string) {
  return describeInvitation(getPrisma(), token);
}

/**
 * Someone without an account accepts an invitation: becomes a user with the invited address and
 * joins the seller; the page then signs them in with the password they chose.
 */
export function acceptInvitationWithNewAccount(
  params: { token: string; name: string; password: string; locale: string },
  request: AuditRequestInfo,
) {
  return acceptInvitationAsNewUser(getPrisma(), params, { actor: { userId: null }, request });
}
