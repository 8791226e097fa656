// next-auth (v4) with email + password and JWT sessions. The session carries the user id and the
// user's session version (see @inbox/api auth/sessions.ts); everything else is read through the
// tRPC router.
import "server-only";
import { requestInfoFromHeaders, signInWithPassword } from "@inbox/api";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { cookies } from "next/headers";
import { cache } from "react";
import { z } from "zod";
import { SESSION_IDLE_MAX_AGE_S, publicUrlIsHttps } from "./session-policy";
import { decryptSessionToken } from "./session-token";
import { currentSessionUserId, sessionClaimsOf } from "./session-user";

const credentialsSchema = z.object({ email: z.string().trim().email().max(320), password: z.string().min(1).max(200) });

/** The sign-in form reads this prefix from next-auth's error to explain the wait. */
export const THROTTLED_ERROR_PREFIX = "THROTTLED:";

export const authOptions: NextAuthOptions = {
  // Idle expiry: the proxy (src/proxy.ts) re-issues the token while the user is active.
  session: { strategy: "jwt", maxAge: SESSION_IDLE_MAX_AGE_S },
  // `Secure` (and `__Secure-` prefixed) cookies whenever the public URL is https, also when TLS
  // ends at a proxy in front of the app.
  useSecureCookies: publicUrlIsHttps(),
  // next-auth's own routes (/api/auth/session, sign-out) decrypt with the same code as every page
  // and API call; tokens are still encrypted by next-auth's default `encode`.
  jwt: { decode: ({ token, secret, salt }) => (token ? decryptSessionToken(token, secret.toString(), salt) : null) },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const headers = new Headers();
        for (const [name, value] of Object.entries((request.headers ?? {}) as Record<string, unknown>)) {
          if (typeof value === "string") headers.set(name, value);
        }
        const result = await signInWithPassword(parsed.data.email, parsed.data.password, requestInfoFromHeaders(headers));
        if (result.status === "throttled") throw new Error(`${THROTTLED_ERROR_PREFIX}${result.retryAfterS}`);
        return result.status === "ok" ? result.user : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // At sign-in: remember which session version this token belongs to.
      if (user && "sessionVersion" in user && typeof user.sessionVersion === "number") token.sv = user.sessionVersion;
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      return session;
    },
  },
};

declare module "next-auth" {
  interface Session {
    user?: { id: string; name?: string | null; email?: string | null };
  }
}

/**
 * The signed-in user's id from the session cookie, or null. The cookie is decrypted and its expiry
 * checked on every request (once per request: pages, layouts and the tRPC context share it); it
 * is the same check `getServerSession` makes, without building next-auth's whole handler. A token
 * of a revoked session (sign out everywhere, password changed) is refused.
 */
export const getSessionUserId = cache(async (): Promise<string | null> =>
  currentSessionUserId(sessionClaimsOf((await cookies()).getAll())),
);
