// The inbox page on the server: parses the URL with the API's filter schema, reads the first page
// through the tRPC caller and hands everything to the client view. Used by /inbox (all sellers)
// and /s/[sellerId] (one seller).
import "server-only";
import Link from "next/link";
import { getMessages } from "~/i18n/server";
import { getCatalogView } from "~/server/catalog";
import { parseInboxUrl } from "~/server/inbox-filter";
import { orNotFound } from "~/server/not-found";
import { getSellers, getServerCaller } from "~/trpc/server";
import { buttonClass, Card } from "../ui";
import { listInput, pageFromList, type InboxScope } from "./inbox-data";
import { InboxView } from "./inbox-view";

type SearchParams = Record<string, string | string[] | undefined>;

export async function InboxScreen({ scope, searchParams }: { scope: InboxScope; searchParams: SearchParams }) {
  const [{ t, locale }, sellers, caller] = await Promise.all([getMessages(), getSellers(), getServerCaller()]);
  const basePath = scope.kind === "all" ? "/inbox" : `/s/${scope.sellerId}`;
  const parsed = parseInboxUrl(searchParams);
  if (!parsed.ok) {
    const bad = t.triage.badFilter;
    return (
      <Card className="mx-auto max-w-xl p-6" role="alert" data-testid="bad-filter">
        <h1 className="text-lg font-semibold">{bad.title}</h1>
        <p className="mt-2 text-sm text-slate-600">{bad.text}</p>
        <ul className="mt-3 space-y-1 text-sm">
          {parsed.problems.map((problem) => (
            <li key={problem.param}>
              <span className="font-medium">{bad.param.replace("{param}", problem.param).replace("{value}", problem.value)}</span>
              <span className="block text-xs text-slate-500">{problem.message}</span>
            </li>
          ))}
        </ul>
        <Link href={basePath} className={buttonClass("primary", "mt-5")}>
          {t.triage.resetFilters}
        </Link>
      </Card>
    );
  }
  const { state } = parsed;
  const [catalog, output] = await Promise.all([
    getCatalogView(t),
    scope.kind === "all" ? Promise.reject(new Error("listAll")) : orNotFound(caller.inbox.list(listInput(scope, state, null))),
  ]);
  const initialPage = pageFromList(output, scope.kind === "seller" ? scope.sellerId : "", state);
  const scopeSellers = scope.kind === "all" ? sellers : sellers.filter((seller) => seller.id === scope.sellerId);
  // Only an empty, unfiltered inbox asks whether any account is connected (it picks the empty state).
  const unfiltered = Object.keys(state).every((key) => key === "sort");
  const hasAccounts =
    initialPage.rows.length > 0 || !unfiltered
      ? true
      : (await Promise.all(scopeSellers.map((seller) => caller.account.list({ sellerId: seller.id })))).some((list) => list.length > 0);

  return (
    <InboxView
      scope={scope}
      state={state}
      initialPage={initialPage}
      sellers={sellers.map((seller) => ({ id: seller.id, name: seller.name, role: seller.role }))}
      catalog={catalog}
      t={t}
      locale={locale}
      hasAccounts={hasAccounts}
    />
  );
}
