import "server-only";
import { cookies } from "next/headers";
import { defaultLocale, locales, messages, type Locale } from "./messages";

export const LOCALE_COOKIE = "inbox-locale";

export async function getLocale(): Promise<Locale> {
  const value = (await cookies()).get(LOCALE_COOKIE)?.value;
  return (locales as readonly string[]).includes(value ?? "") ? (value as Locale) : defaultLocale;
}

export async function getMessages() {
  const locale = await getLocale();
  return { locale, t: messages[locale] };
}
