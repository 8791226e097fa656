"use client";
// What a page shows when rendering it failed: a plain explanation in the user's language, Retry
// (asks the server for the segment again and renders it) and a way back to the inbox. The cause goes
// to the console only.
import Link from "next/link";
import { useEffect } from "react";
import { useMessages } from "~/i18n/client";
import { buttonClass, Card } from "./ui";

export function RouteError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  // The root layout's locale (the user's stored choice, else the cookie): error boundaries render
  // inside it, so the error page speaks the language of the rest of the page on every device.
  const t = useMessages().t.errorPage;
  useEffect(() => console.error(error), [error]);
  return (
    <Card className="mx-auto mt-10 max-w-lg p-6 text-center" role="alert" data-testid="route-error">
      <h1 className="text-lg font-semibold">{t.title}</h1>
      <p className="mt-2 text-sm text-slate-600">{t.text}</p>
      {error.digest && <p className="mt-2 font-mono text-xs text-slate-600">{error.digest}</p>}
      <div className="mt-5 flex flex-wrap justify-center gap-3">
        {/* retry, not reset: reset re-renders the failed server payload without fetching it again. */}
        <button type="button" onClick={retry} className={buttonClass("primary")}>
          {t.retry}
        </button>
        <Link href="/inbox" className={buttonClass("secondary")}>
          {t.home}
        </Link>
      </div>
    </Card>
  );
}
