"use client";
// The user's language for client components that are mounted in more than one page (the item view
// inside the item page and the inbox's split view): the root layout provides the locale read from
// the cookie, and the strings come from the same dictionary the server uses.
import { createContext, useContext, type ReactNode } from "react";
import { defaultLocale, messages, type Locale, type Messages } from "./messages";

const LocaleContext = createContext<Locale>(defaultLocale);

export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useMessages(): { locale: Locale; t: Messages } {
  const locale = useContext(LocaleContext);
  return { locale, t: messages[locale] };
}
