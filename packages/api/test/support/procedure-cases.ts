// One line per procedure of the app router: what a caller needs and a valid input against the
// target seller. The isolation and hostile-input tests walk the router itself and fail, naming the
// procedure, when one has no line here. Adding a procedure = adding its line.
import type { ApiWorld } from "./api-world";

export interface ProcedureCase {
  /**
   * read: any member, or a token with `read`; reply: OWNER/AGENT, or `reply`; manage: OWNER, or
   * `manage`; owner-session: a signed-in OWNER only, never a token; user-session: any signed-in
   * user about themselves (sessions, password), never a token.
   */
  needs: "read" | "reply" | "manage" | "owner-session" | "user-session";
  /** false for procedures outside a seller (seller.list, catalog.*): they answer about the caller only. */
  sellerScoped: boolean;
  /** A valid input aimed at the target seller. */
  input: (w: ApiWorld) => Record<string, unknown> | undefined;
  /** Why the procedure has no REST route (it serves the app's own pages only). */
  noRest?: string;
}

const onlyTheApp = "serves the app's own pages (composer, bulk dialogs, the all-sellers views)";

const at = (w: ApiWorld) => ({ sellerId: w.target.sellerId });

export const PROCEDURE_CASES: Record<string, ProcedureCase> = {
  "seller.list": { needs: "read", sellerScoped: false, input: () => undefined },
  "catalog.marketplaces": { needs: "read", sellerScoped: false, input: () => undefined },
  "catalog.channels": { needs: "read", sellerScoped: false, input: () => undefined },
  "live.events": {
    needs: "read",
    sellerScoped: true,
    input: at,
    noRest: "a server-sent event stream of changes for the app's open pages; other apps poll the REST lists",
  },
  "inbox.list": { needs: "read", sellerScoped: true, input: (w) => ({ ...at(w), status: "unanswered" }) },
  "inbox.get": { needs: "read", sellerScoped: true, input: (w) => ({ ...at(w), itemId: w.target.itemId }) },
  "inbox.reply": {
    needs: "reply",
    sellerScoped: true,
    input: (w) => ({ ...at(w), itemId: w.target.itemId, text: "Спасибо за отзыв!", idempotencyKey: "isolation-reply-1" }),
  },
  "inbox.retryReply": { needs: "reply", sellerScoped: true, input: (w) => ({ ...at(w), replyId: w.target.replyId }) },
  "inbox.markRead": { needs: "reply", sellerScoped: true, input: (w) => ({ ...at(w), itemId: w.target.itemId, read: true }) },
  "item.members": { needs: "read", sellerScoped: true, input: at },
  "item.assign": { needs: "reply", sellerScoped: true, input: (w) => ({ ...at(w), itemId: w.target.itemId, assigneeId: w.agent.id }) },
  "item.assignBulk": {
    needs: "reply",
    sellerScoped: false,
    input: (w) => ({ selection: { itemRefs: [{ sellerId: w.target.sellerId, itemId: w.target.itemId }] }, assigneeId: w.agent.id }),
    noRest: onlyTheApp,
  },
  "item.notes": { needs: "read", sellerScoped: true, input: (w) => ({ ...at(w), itemId: w.target.itemId }) },
  "item.addNote": {
    needs: "reply",
    sellerScoped: true,
    input: (w) => ({ ...at(w), itemId: w.target.itemId, text: "Позвонить покупателю" }),
  },
  "item.history": { needs: "read", sellerScoped: true, input: (w) => ({ ...at(w), itemId: w.target.itemId }) },
  "account.list": { needs: "read", sellerScoped: true, input: at },
  "account.runs": { needs: "read", sellerScoped: true, input: (w) => ({ ...at(w), accountId: w.target.accountId }) },
  "account.create": {
    needs: "manage",
    sellerScoped: true,
    // A closed loopback port: credential checks fail fast and nothing is stored.
    input: (w) => ({
      ...at(w),
      marketplace: "wildberries",
      displayName: "Новый",
      credentials: { apiToken: "t" },
      baseUrls: { "*": "http://127.0.0.1:9/" },
    }),
  },
  "account.updateCredentials": {
    needs: "manage",
    sellerScoped: true,
    input: (w) => ({ ...at(w), accountId: w.target.accountId, credentials: { apiToken: "t" } }),
  },
  "account.setPaused": { needs: "manage", sellerScoped: true, input: (w) => ({ ...at(w), accountId: w.target.accountId, paused: true }) },
  "account.syncNow": { needs: "manage", sellerScoped: true, input: (w) => ({ ...at(w), accountId: w.target.accountId }) },
  "account.resyncFrom": {
    needs: "manage",
    sellerScoped: true,
    input: (w) => ({ ...at(w), accountId: w.target.accountId, from: "2026-01-01T00:00:00.000Z" }),
  },
  "account.remove": { needs: "manage", sellerScoped: true, input: (w) => ({ ...at(w), accountId: w.target.accountId }) },
  "apiToken.list": { needs: "owner-session", sellerScoped: true, input: at },
  "apiToken.create": { needs: "owner-session", sellerScoped: true, input: (w) => ({ ...at(w), name: "isolation", scopes: ["read"] }) },
  "apiToken.revoke": { needs: "owner-session", sellerScoped: true, input: (w) => ({ ...at(w), tokenId: "missing-token" }) },
  "audit.list": { needs: "manage", sellerScoped: true, input: at },
  "inbox.counts": { needs: "read", sellerScoped: true, input: (w) => ({ ...at(w), status: "unanswered" }) },
  "inbox.media": { needs: "read", sellerScoped: true, input: (w) => ({ ...at(w), itemId: w.target.itemId }) },
  "inbox.messages": {
    needs: "read",
    sellerScoped: true,
    input: (w) => ({ ...at(w), itemId: w.target.itemId, before: "2099-01-01T00:00:00.000Z_zzz" }),
  },
  "inbox.listAll": { needs: "read", sellerScoped: false, input: () => ({ status: "unanswered" }), noRest: onlyTheApp },
  "inbox.countsAll": { needs: "read", sellerScoped: false, input: () => ({}), noRest: onlyTheApp },
  "inbox.setReadBulk": {
    needs: "reply",
    sellerScoped: false,
    input: (w) => ({ selection: { itemRefs: [{ sellerId: w.target.sellerId, itemId: w.target.itemId }] }, read: true }),
    noRest: onlyTheApp,
  },
  "template.list": { needs: "read", sellerScoped: true, input: at, noRest: onlyTheApp },
  "template.create": {
    needs: "reply",
    sellerScoped: true,
    input: (w) => ({ ...at(w), name: "Спасибо", text: "Спасибо, {buyer}!", channel: "review", ratings: [5] }),
    noRest: onlyTheApp,
  },
  "template.update": {
    needs: "reply",
    sellerScoped: true,
    input: (w) => ({ ...at(w), templateId: "missing-template", name: "Спасибо", text: "Спасибо!" }),
    noRest: onlyTheApp,
  },
  "template.delete": {
    needs: "reply",
    sellerScoped: true,
    input: (w) => ({ ...at(w), templateId: "missing-template" }),
    noRest: onlyTheApp,
  },
  "template.suggest": { needs: "read", sellerScoped: true, input: (w) => ({ ...at(w), itemId: w.target.itemId }), noRest: onlyTheApp },
  "template.repetition": { needs: "read", sellerScoped: true, input: (w) => ({ ...at(w), text: "Спасибо за отзыв!" }), noRest: onlyTheApp },
  "template.selectionTargets": {
    needs: "reply",
    sellerScoped: false,
    input: (w) => ({ selection: { itemRefs: [{ sellerId: w.target.sellerId, itemId: w.target.itemId }] } }),
    noRest: onlyTheApp,
  },
  "template.replyBulk": {
    needs: "reply",
    sellerScoped: true,
    input: (w) => ({
      ...at(w),
      templateId: "missing-template",
      requestId: "isolation-bulk-1",
      selection: { itemRefs: [{ sellerId: w.target.sellerId, itemId: w.target.itemId }] },
    }),
    noRest: onlyTheApp,
  },
  "automation.list": { needs: "read", sellerScoped: true, input: at, noRest: onlyTheApp },
  "automation.preview": {
    needs: "manage",
    sellerScoped: true,
    input: (w) => ({ ...at(w), ratings: [5], textPresence: "WITHOUT_TEXT", action: "REPLY" }),
    noRest: onlyTheApp,
  },
  "automation.create": {
    needs: "manage",
    sellerScoped: true,
    input: (w) => ({ ...at(w), name: "Пятёрки", ratings: [5], action: "MARK_READ" }),
    noRest: onlyTheApp,
  },
  "automation.update": {
    needs: "manage",
    sellerScoped: true,
    input: (w) => ({ ...at(w), ruleId: "missing-rule", rule: { name: "Пятёрки", action: "MARK_READ" } }),
    noRest: onlyTheApp,
  },
  "automation.setEnabled": {
    needs: "manage",
    sellerScoped: true,
    input: (w) => ({ ...at(w), ruleId: "missing-rule", enabled: true }),
    noRest: onlyTheApp,
  },
  "automation.delete": { needs: "manage", sellerScoped: true, input: (w) => ({ ...at(w), ruleId: "missing-rule" }), noRest: onlyTheApp },
  "draft.get": { needs: "reply", sellerScoped: true, input: (w) => ({ ...at(w), itemId: w.target.itemId }), noRest: onlyTheApp },
  "draft.save": {
    needs: "reply",
    sellerScoped: true,
    input: (w) => ({ ...at(w), itemId: w.target.itemId, text: "Черновик" }),
    noRest: onlyTheApp,
  },
  "analytics.seller": {
    needs: "read",
    sellerScoped: true,
    input: (w) => ({ ...at(w), from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" }),
    noRest: onlyTheApp,
  },
  "analytics.allSellers": {
    needs: "read",
    sellerScoped: false,
    input: () => ({ from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" }),
    noRest: onlyTheApp,
  },
  "analytics.setAnswerTarget": {
    needs: "manage",
    sellerScoped: true,
    input: (w) => ({ ...at(w), answerTargetMinutes: 120 }),
    noRest: onlyTheApp,
  },
  "team.list": { needs: "read", sellerScoped: true, input: at },
  "team.invite": {
    needs: "manage",
    sellerScoped: true,
    input: (w) => ({ ...at(w), email: "isolation-invitee@test.local", role: "AGENT" }),
  },
  "team.revokeInvitation": { needs: "manage", sellerScoped: true, input: (w) => ({ ...at(w), invitationId: "missing-invitation" }) },
  "team.changeRole": { needs: "manage", sellerScoped: true, input: (w) => ({ ...at(w), userId: "missing-user", role: "VIEWER" }) },
  "team.remove": { needs: "manage", sellerScoped: true, input: (w) => ({ ...at(w), userId: "missing-user" }) },
  "invitation.accept": {
    needs: "user-session",
    sellerScoped: false,
    input: () => ({ token: "A".repeat(43) }),
    noRest: "the invitee's own action on the invitation page",
  },
  "profile.get": { needs: "user-session", sellerScoped: false, input: () => undefined, noRest: "a browser session's own profile" },
  "profile.update": {
    needs: "user-session",
    sellerScoped: false,
    input: () => ({ locale: "en" }),
    noRest: "a browser session's own profile",
  },
  "session.signOutEverywhere": {
    needs: "user-session",
    sellerScoped: false,
    input: () => undefined,
    noRest: "a browser session's own action",
  },
  "session.changePassword": {
    needs: "user-session",
    sellerScoped: false,
    input: () => ({ current: "not-the-password", next: "a-new-password-2026" }),
    noRest: "a browser session's own action",
  },
};
