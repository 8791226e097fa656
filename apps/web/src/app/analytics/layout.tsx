// Frame of the all-sellers pages: the header without a current seller.
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { SignOutButton } from "~/components/header-controls";
import { LocaleSwitch } from "~/components/locale-switch";
import { getMessages } from "~/i18n/server";
import { getSessionUserId } from "~/server/auth";
import { getSellers } from "~/trpc/server";

export default async function AllSellersLayout({ children }: { children: ReactNode }) {
  if (!(await getSessionUserId())) redirect("/signin");
  const [sellers, { t, locale }] = await Promise.all([getSellers(), getMessages()]);
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div className="mx-auto flex max-w-5xl items-center gap-4 px-4 py-3">
          <Link href={sellers[0] ? `/s/${sellers[0].id}` : "/"} className="font-semibold tracking-tight">
            {t.app.name}
          </Link>
          <span className="text-sm text-slate-900">{t.analytics.allSellers}</span>
          <div className="ml-auto flex items-center gap-4">
            <LocaleSwitch locale={locale} label={t.nav.language} signedIn />
            <SignOutButton label={t.nav.signOut} />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-6">{children}</main>
    </div>
  );
}
