"use server";
// Accepting an invitation with a new account: no session exists yet, so this is a server action
// (Next.js checks its Origin) rather than a tRPC call; the link's secret is the authorisation.
import { AppError, acceptInvitationWithNewAccount, PASSWORD_LENGTH, requestInfoFromHeaders, type AppErrorReason } from "@inbox/api";
import { headers } from "next/headers";
import { getLocale } from "~/i18n/server";

export type NewAccountResult = { ok: true; email: string; sellerId: string } | { ok: false; reason: AppErrorReason | "invalid_input" };

export async function acceptWithNewAccount(input: { token: string; name: string; password: string }): Promise<NewAccountResult> {
  const name = typeof input.name === "string" ? input.name.trim() : "";
  const password = typeof input.password === "string" ? input.password : "";
  if (typeof input.token !== "string" || input.token.length > 100 || !name || name.length > 100)
    return { ok: false, reason: "invalid_input" };
  if (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max) return { ok: false, reason: "invalid_input" };
  try {
    const joined = await acceptInvitationWithNewAccount(
      { token: input.token, name, password, locale: await getLocale() },
      requestInfoFromHeaders(await headers()),
    );
    return { ok: true, ...joined };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, reason: error.reason };
    throw error;
  }
}
