import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { SellerSwitcher, SignOutButton } from "~/components/header-controls";
import { SignOutEverywhereButton } from "~/components/session-controls";
import { LocaleSwitch } from "~/components/locale-switch";
import { getMessages } from "~/i18n/server";
import { getSessionUserId } from "~/server/auth";
import { getSellers } from "~/trpc/server";

export default async function SellerLayout({ children, params }: { children: ReactNode; params: Promise<{ sellerId: string }> }) {
  if (!(await getSessionUserId())) redirect("/signin");
  const { sellerId } = await params;
  const [sellers, { t, locale }] = await Promise.all([getSellers(), getMessages()]);
  if (!sellers.some((seller) => seller.id === sellerId)) notFound();

  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div className="mx-auto flex max-w-5xl items-center gap-4 px-4 py-3">
          <Link href={`/s/${sellerId}`} className="font-semibold tracking-tight">
            {t.app.name}
          </Link>
          <SellerSwitcher sellers={sellers} current={sellerId} label={t.nav.seller} />
          <Link href={`/s/${sellerId}/accounts`} className="text-sm text-slate-600 hover:text-slate-900">
            {t.nav.accounts}
          </Link>
          {sellers.find((seller) => seller.id === sellerId)?.role === "OWNER" && (
            <Link href={`/s/${sellerId}/audit`} className="text-sm text-slate-600 hover:text-slate-900">
              {t.audit.nav}
            </Link>
          )}
          <div className="ml-auto flex items-center gap-4">
            <LocaleSwitch locale={locale} label={t.nav.language} />
            <SignOutEverywhereButton label={t.security.signOutEverywhere} confirm={t.security.signOutEverywhereConfirm} />
            <SignOutButton label={t.nav.signOut} />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-6">{children}</main>
    </div>
  );
}
