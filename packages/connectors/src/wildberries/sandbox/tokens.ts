// WB-shaped API tokens for the sandbox: JWTs whose payload carries the real fields (acc, s bitmask,
// sid, exp, for, t), signed with a per-sandbox secret so made-up tokens are rejected.
import { createHmac, timingSafeEqual } from "node:crypto";

export type WbTokenType = "personal" | "service" | "base" | "test";
export type WbCategory = "feedbacks" | "chat" | "returns" | "readonly";

/** Bit numbers in the `s` bitmask (reference §1.1). */
export const WB_CATEGORY_BITS: Record<WbCategory, number> = { feedbacks: 7, chat: 9, returns: 11, readonly: 30 };
const ACC: Record<WbTokenType, number> = { base: 1, test: 2, personal: 3, service: 4 };
const TYPES = Object.fromEntries(Object.entries(ACC).map(([k, v]) => [v, k])) as Record<number, WbTokenType>;

export interface WbTokenPayload {
  acc: number;
  ent: number;
  exp: number;
  for: string;
  id: string;
  iid: number;
  oid: number;
  s: number;
  sid: string;
  t: boolean;
  uid: number;
}

export interface IssueTokenOptions {
  type?: WbTokenType;
  categories?: WbCategory[];
  sellerId?: string;
  /** Seconds from now; default 180 days like WB. Negative for an expired token. */
  expiresInSec?: number;
  /** Distinguishes tokens of one seller (WB's `id`). */
  id?: string;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

export function signWbToken(secret: string, payload: WbTokenPayload): string {
  const head = b64({ alg: "ES256", kid: "sandbox", typ: "JWT" });
  const body = b64(payload);
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

export function buildPayload(opts: IssueTokenOptions, defaults: { sellerId: string; now: number; id: string }): WbTokenPayload {
  const type = opts.type ?? "personal";
  const s = (opts.categories ?? ["feedbacks", "chat"]).reduce((mask, c) => mask | (1 << WB_CATEGORY_BITS[c]), 0);
  return {
    acc: ACC[type],
    ent: 1,
    exp: Math.floor(defaults.now / 1000) + (opts.expiresInSec ?? 180 * 24 * 3600),
    for: type === "service" ? "asid:sandbox-service" : "self",
    id: opts.id ?? defaults.id,
    iid: 1,
    oid: 1,
    s: s >>> 0,
    sid: opts.sellerId ?? defaults.sellerId,
    t: type === "test",
    uid: 1,
  };
}

export type TokenCheck = { ok: true; payload: WbTokenPayload; type: WbTokenType } | { ok: false; detail: string };

export function verifyWbToken(secret: string, header: string | undefined, category: WbCategory, write: boolean, nowMs: number): TokenCheck {
  if (!header) return { ok: false, detail: "token problem; empty Authorization header" };
  const token = header.replace(/^Bearer\s+/i, "").trim();
  const [head, body, sig] = token.split(".");
  if (!head || !body || !sig) return { ok: false, detail: "token problem; malformed token" };
  const expected = createHmac("sha256", secret).update(`${head}.${body}`).digest();
  const got = Buffer.from(sig, "base64url");
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return { ok: false, detail: "token problem; signature invalid" };
  let payload: WbTokenPayload;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as WbTokenPayload;
  } catch {
    return { ok: false, detail: "token problem; malformed token" };
  }
  if (payload.exp * 1000 <= nowMs) return { ok: false, detail: "token problem; token is expired" };
  if (!(payload.s & (1 << WB_CATEGORY_BITS[category]))) {
    return { ok: false, detail: "token problem; token scope not allowed for this API route" };
  }
  if (write && payload.s & (1 << WB_CATEGORY_BITS.readonly)) {
    return { ok: false, detail: "token problem; read-only token scope not allowed for this API route" };
  }
  const type = TYPES[payload.acc];
  if (!type) return { ok: false, detail: "token problem; unknown token type" };
  return { ok: true, payload, type };
}
