import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { getSessionUserId } from "~/server/auth";
import { getServerCaller } from "~/trpc/server";
import { defaultLocale, locales, messages, type Locale } from "./messages";

export const LOCALE_COOKIE = "inbox-locale";

const isLocale = (value: string | undefined): value is Locale => (locales as readonly string[]).includes(value ?? "");

/**
 * The interface language: a signed-in user's stored preference (profile, or the header's switch),
 * the same on every device; else the cookie the switch sets (sign-in and invitation pages); else Russian.
 * Read once per request.
 */
export const getLocale = cache(async (): Promise<Locale> => {
  if (await getSessionUserId()) {
    const preferred = await (await getServerCaller()).profile.get().then(
      (profile) => profile.locale,
      () => null, // a session that ended while rendering: the pages redirect to sign-in
    );
    if (preferred) return preferred;
  }
  const value = (await cookies()).get(LOCALE_COOKIE)?.value;
  return isLocale(value) ? value : defaultLocale;
});

export async function getMessages() {
  const locale = await getLocale();
  return { locale, t: messages[locale] };
}
