"use client";
// What a page shows when rendering it failed: a plain explanation in the user's language, Retry
// (renders the segment again) and a way back to the inbox. The cause goes to the console only.
import Link from "next/link";
import { useEffect, useSyncExternalStore } from "react";
import { defaultLocale, locales, messages, type Locale } from "~/i18n/messages";
import { buttonClass, Card } from "./ui";

/** The UI language from the locale cookie (the server's default until the browser has read it). */
function useLocale(): Locale {
  return useSyncExternalStore(
    () => () => {},
    () => {
      const value = /(?:^|; )inbox-locale=([^;]*)/.exec(document.cookie)?.[1];
      return (locales as readonly string[]).includes(value ?? "") ? (value as Locale) : defaultLocale;
    },
    () => defaultLocale,
  );
}

export function RouteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = messages[useLocale()].errorPage;
  useEffect(() => console.error(error), [error]);
  return (
    <Card className="mx-auto mt-10 max-w-lg p-6 text-center" role="alert" data-testid="route-error">
      <h1 className="text-lg font-semibold">{t.title}</h1>
      <p className="mt-2 text-sm text-slate-600">{t.text}</p>
      {error.digest && <p className="mt-2 font-mono text-xs text-slate-600">{error.digest}</p>}
      <div className="mt-5 flex flex-wrap justify-center gap-3">
        <button type="button" onClick={reset} className={buttonClass("primary")}>
          {t.retry}
        </button>
        <Link href="/inbox" className={buttonClass("secondary")}>
          {t.home}
        </Link>
      </div>
    </Card>
  );
}
