// The header of every signed-in page: inbox, seller switch (or all sellers), accounts, members, language, the
// user's account page and sign-out. It wraps onto two lines on a phone instead of widening the page.
// It scrolls away with the page: wrapped, it is 93 px tall on a laptop and 217 px on a phone, and the
// bulk bar and the split view stick to the top of the window instead.
import Link from "next/link";
import { getMessages } from "~/i18n/server";
import { getSellers } from "~/trpc/server";
import { SellerSwitcher, SignOutButton } from "./header-controls";
import { SignOutEverywhereButton } from "./session-controls";
import { LiveHeader } from "./inbox/live-header";
import { LocaleSwitch } from "./locale-switch";

export async function AppHeader({ sellerId }: { sellerId: string | null }) {
  const [sellers, { t, locale }] = await Promise.all([getSellers(), getMessages()]);
  const accountsOf = sellerId ?? sellers[0]?.id;
  const link = "inline-flex min-h-9 items-center text-sm text-slate-700 hover:text-slate-900";
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-[100rem] flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">
        <Link href="/inbox" className="font-semibold tracking-tight">
          {t.app.name}
        </Link>
        <nav aria-label={t.app.name} className="flex flex-wrap items-center gap-x-4">
          <Link href={sellerId ? `/s/${sellerId}` : "/inbox"} className={link}>
            {t.nav.inbox}
          </Link>
          <SellerSwitcher sellers={sellers} current={sellerId} label={t.nav.seller} allLabel={t.triage.allSellers} />
          {accountsOf && (
            <Link href={`/s/${accountsOf}/accounts`} className={link}>
              {t.nav.accounts}
            </Link>
          )}
          <Link href={sellerId ? `/s/${sellerId}/analytics` : "/analytics"} className={link}>
            {t.analytics.nav}
          </Link>
          {accountsOf && (
            <Link href={`/s/${accountsOf}/templates`} className={link}>
              {t.templates.title}
            </Link>
          )}
          {accountsOf && (
            <Link href={`/s/${accountsOf}/automation`} className={link}>
              {t.automation.nav}
            </Link>
          )}
          {accountsOf && (
            <Link href={`/s/${accountsOf}/members`} className={link}>
              {t.team.nav}
            </Link>
          )}
          {accountsOf && (
            <Link href={`/s/${accountsOf}/api`} className={link}>
              {t.apiTokens.nav}
            </Link>
          )}
          {accountsOf && sellers.find((seller) => seller.id === accountsOf)?.role === "OWNER" && (
            <Link href={`/s/${accountsOf}/audit`} className={link}>
              {t.audit.nav}
            </Link>
          )}
        </nav>
        <div className="ml-auto flex items-center gap-4">
          <LiveHeader />
          <LocaleSwitch locale={locale} label={t.nav.language} signedIn />
          <Link href="/account" className={link}>
            {t.account.nav}
          </Link>
          <SignOutEverywhereButton label={t.security.signOutEverywhere} confirm={t.security.signOutEverywhereConfirm} />
          <SignOutButton label={t.nav.signOut} />
        </div>
      </div>
    </header>
  );
}
