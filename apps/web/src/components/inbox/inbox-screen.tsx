// The inbox page on the server: parses the URL with the API's filter schema, reads the first page
// through the tRPC caller and hands everything to the client view. Used by /inbox (all sellers)
// and /s/[sellerId] (one seller).
import "server-only";
import { TRPCError } from "@trpc/server";
import Link from "next/link";
import type { Messages } from "~/i18n/messages";
import { getMessages } from "~/i18n/server";
import { getSessionUserId } from "~/server/auth";
import { getCatalogView } from "~/server/catalog";
import { parseInboxUrl, type InboxFilterProblem } from "~/server/inbox-filter";
import { orNotFound } from "~/server/not-found";
import { getSellers, getServerCaller } from "~/trpc/server";
import { buttonClass, Card } from "../ui";
import { readInboxPage, type InboxScope } from "./inbox-data";
import { InboxView } from "./inbox-view";

type SearchParams = Record<string, string | string[] | undefined>;

export async function InboxScreen({ scope, searchParams }: { scope: InboxScope; searchParams: SearchParams }) {
  const [{ t, locale }, sellers, caller, viewerId] = await Promise.all([
    getMessages(),
    getSellers(),
    getServerCaller(),
    getSessionUserId(),
  ]);
  const basePath = scope.kind === "all" ? "/inbox" : `/s/${scope.sellerId}`;
  const parsed = parseInboxUrl(searchParams);
  if (!parsed.ok) return <BadFilter problems={parsed.problems} resetHref={basePath} t={t} />;
  const { state } = parsed;
  const [catalog, initialPage] = await Promise.all([
    getCatalogView(t),
    orNotFound(readInboxPage(caller.inbox, scope, state, null)).catch((error: unknown) => {
      // A filter the schema accepts but the router refuses (a seller that is not the user's, a
      // stale cursor): explained like any other wrong parameter.
      if (error instanceof TRPCError && (error.code === "BAD_REQUEST" || error.code === "FORBIDDEN")) return error;
      throw error;
    }),
  ]);
  if (initialPage instanceof TRPCError) {
    const param = initialPage.code === "FORBIDDEN" ? "sellers" : "q";
    return <BadFilter problems={[{ param, value: state[param] ?? "", message: initialPage.message }]} resetHref={basePath} t={t} />;
  }
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
      viewerId={viewerId ?? ""}
    />
  );
}

function BadFilter({ problems, resetHref, t }: { problems: InboxFilterProblem[]; resetHref: string; t: Messages }) {
  const bad = t.triage.badFilter;
  return (
    <Card className="mx-auto max-w-xl p-6" role="alert" data-testid="bad-filter">
      <h1 className="text-lg font-semibold">{bad.title}</h1>
      <p className="mt-2 text-sm text-slate-600">{bad.text}</p>
      <ul className="mt-3 space-y-1 text-sm">
        {problems.map((problem) => (
          <li key={problem.param}>
            <span className="font-medium">{bad.param.replace("{param}", problem.param).replace("{value}", problem.value)}</span>
            <span className="block text-xs text-slate-600">{problem.message}</span>
          </li>
        ))}
      </ul>
      <Link href={resetHref} className={buttonClass("primary", "mt-5")}>
        {t.triage.resetFilters}
      </Link>
    </Card>
  );
}
