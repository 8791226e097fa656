// Domain errors: services throw an AppError with a stable reason; the tRPC layer (trpc.ts) turns it
// into a tRPC error with the code below, and the formatter sends the reason along
// (error.data.reason), so clients explain the problem in the user's language by reason, never by
// message text.
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";

/** Every reason and the tRPC code (hence HTTP status) it is answered with. */
export const APP_ERROR_CODES = {
  credentials_rejected: "BAD_REQUEST",
  subscription_missing: "BAD_REQUEST",
  marketplace_unreachable: "BAD_REQUEST",
  credentials_incomplete: "BAD_REQUEST",
  /** The item does not exist or belongs to another seller (ids cannot be probed). */
  item_not_found: "NOT_FOUND",
  reply_not_found: "NOT_FOUND",
  template_not_found: "NOT_FOUND",
  rule_not_found: "NOT_FOUND",
  /** The reply is shorter or longer than the marketplace accepts. */
  reply_too_short: "BAD_REQUEST",
  reply_too_long: "BAD_REQUEST",
  /** The marketplace takes no replies to this kind of item through its API. */
  replies_not_supported: "PRECONDITION_FAILED",
  /** A review or question already has an answer (or one on its way): an edit replaces it, an answer never. */
  already_answered: "CONFLICT",
  /** An edit of an item that has no answer yet. */
  not_answered: "PRECONDITION_FAILED",
  /** The marketplace does not (or no longer) let this answer be edited. */
  answer_not_editable: "PRECONDITION_FAILED",
  /** An edit while another reply to the item is still being delivered. */
  reply_on_its_way: "CONFLICT",
  /** An edit whose text is the answer already (spacing aside). */
  answer_unchanged: "BAD_REQUEST",
  /** A failed edit retried after the answer it replaces changed (a later edit, or upstream). */
  answer_changed: "CONFLICT",
  /** An idempotency key sent again for a different item. */
  idempotency_key_reused: "CONFLICT",
  /** A page cursor that was not issued by us (or was cut short). */
  cursor_invalid: "BAD_REQUEST",
  /** A bulk selection larger than one request may hold. */
  selection_too_large: "BAD_REQUEST",
  /** An assignee who is not a member of the item's seller. */
  assignee_not_member: "BAD_REQUEST",
  /** An internal note without text, or longer than NOTE_MAX_LENGTH. */
  note_empty: "BAD_REQUEST",
  note_too_long: "BAD_REQUEST",
  /** A password change whose current password is wrong. */
  current_password_incorrect: "BAD_REQUEST",
  /** Team: the person is a member already (invite), or is not one (role change, removal). */
  already_member: "CONFLICT",
  member_not_found: "NOT_FOUND",
  /** Demoting or removing the seller's only owner. */
  last_owner: "PRECONDITION_FAILED",
  /** Too many open invitations, or too many sent in the last hour. */
  invitations_limit: "BAD_REQUEST",
  invitations_rate: "TOO_MANY_REQUESTS",
  /** An invitation link that is unknown, accepted already, revoked or past its expiry. */
  invitation_not_found: "NOT_FOUND",
  invitation_used: "CONFLICT",
  invitation_revoked: "PRECONDITION_FAILED",
  invitation_expired: "PRECONDITION_FAILED",
  /** The signed-in user's email is not the invited one. */
  invitation_email_mismatch: "FORBIDDEN",
  /** A new account for an address that has one: sign in to accept. */
  account_exists: "CONFLICT",
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type AppErrorReason = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly reason: AppErrorReason,
    message: string,
    options?: { cause?: unknown; details?: Record<string, number | string> },
  ) {
    super(message, options);
    this.name = "AppError";
    this.details = options?.details ?? null;
  }

  /** Numbers or names the UI puts into its own message (limits, lengths). */
  readonly details: Record<string, number | string> | null;
}
