// Marketplace accounts of one seller: health, live sync progress and history; owners manage them.
import { AccountsPanel } from "~/components/accounts-panel";
import { getMessages } from "~/i18n/server";
import { orNotFound } from "~/server/not-found";
import { getSellers, getServerCaller } from "~/trpc/server";

export default async function AccountsPage({ params }: { params: Promise<{ sellerId: string }> }) {
  const { sellerId } = await params;
  const caller = await getServerCaller();
  const [accounts, marketplaces, sellers, { t, locale }] = await Promise.all([
    orNotFound(caller.account.list({ sellerId })),
    caller.catalog.marketplaces(),
    getSellers(),
    getMessages(),
  ]);
  const role = sellers.find((seller) => seller.id === sellerId)?.role ?? "VIEWER";

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">{t.accounts.title}</h1>
        <p className="mt-1 text-sm text-slate-500">{t.accounts.subtitle}</p>
      </div>
      <AccountsPanel
        sellerId={sellerId}
        marketplaces={marketplaces}
        initialAccounts={accounts}
        isOwner={role === "OWNER"}
        // Custom API hosts exist for the demo sandboxes and tests; the server ignores them otherwise.
        allowCustomBaseUrl={process.env.INBOX_ALLOW_CUSTOM_BASE_URL === "1"}
        locale={locale}
        t={t}
      />
    </div>
  );
}
