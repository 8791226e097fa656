// next-auth (v4) with email + password and JWT sessions. The session carries only the user id;
// everything else is read through the tRPC router.
import "server-only";
import { signInWithPassword } from "@inbox/api";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { cookies } from "next/headers";
import { cache } from "react";
import { z } from "zod";
import { decryptSessionToken, sessionCookieName, sessionCookieValue } from "./session-token";

const credentialsSchema = z.object({ email: z.string().trim().email().max(320), password: z.string().min(1).max(200) });

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  // next-auth's own routes (/api/auth/session, sign-out) decrypt with the same code as every page
  // and API call; tokens are still encrypted by next-auth's default `encode`.
  jwt: { decode: ({ token, secret, salt }) => (token ? decryptSessionToken(token, secret.toString(), salt) : null) },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        return signInWithPassword(parsed.data.email, parsed.data.password);
      },
    }),
  ],
  callbacks: {
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

function authSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: start the app with `npm start` or set it.");
  return secret;
}

/**
 * The signed-in user's id from the session cookie, or null. The cookie is decrypted and its expiry
 * checked on every request (once per request: pages, layouts and the tRPC context share it); it
 * is the same check `getServerSession` makes, without building next-auth's whole handler.
 */
export const getSessionUserId = cache(async (): Promise<string | null> => {
  const token = sessionCookieValue((await cookies()).getAll(), sessionCookieName());
  if (!token) return null;
  const claims = decryptSessionToken(token, authSecret());
  return typeof claims?.sub === "string" && claims.sub !== "" ? claims.sub : null;
});
