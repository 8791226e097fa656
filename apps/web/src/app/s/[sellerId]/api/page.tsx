// The seller's API page: owners create, copy (once) and revoke API tokens for other apps.
import Link from "next/link";
import { ApiTokensPanel } from "~/components/api-tokens-panel";
import { Card } from "~/components/ui";
import { getMessages } from "~/i18n/server";
import { orNotFound } from "~/server/not-found";
import { getSellers, getServerCaller } from "~/trpc/server";

export default async function ApiTokensPage({ params }: { params: Promise<{ sellerId: string }> }) {
  const { sellerId } = await params;
  const [sellers, { t, locale }] = await Promise.all([getSellers(), getMessages()]);
  const isOwner = sellers.find((seller) => seller.id === sellerId)?.role === "OWNER";
  const tokens = isOwner ? await orNotFound((await getServerCaller()).apiToken.list({ sellerId })) : [];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold">{t.apiTokens.title}</h1>
          <p className="mt-1 text-sm text-slate-500">{t.apiTokens.subtitle}</p>
        </div>
        <Link href="/api-docs" className="text-sm text-brand-700 hover:underline">
          {t.apiTokens.reference}
        </Link>
      </div>
      {isOwner ? (
        <ApiTokensPanel sellerId={sellerId} initialTokens={tokens} locale={locale} t={t} />
      ) : (
        <Card className="p-4 text-sm text-slate-600">{t.apiTokens.ownersOnly}</Card>
      )}
    </div>
  );
}
