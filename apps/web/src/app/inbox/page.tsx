// The inbox over every seller the user belongs to: where a signed-in user lands.
import { InboxScreen } from "~/components/inbox/inbox-screen";
import { getMessages } from "~/i18n/server";
import { getSellers } from "~/trpc/server";

export default async function AllSellersInboxPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [sellers, query, { t }] = await Promise.all([getSellers(), searchParams, getMessages()]);
  if (sellers.length === 0) return <p className="mx-auto mt-24 max-w-md text-center text-slate-600">{t.inbox.noSellers}</p>;
  return <InboxScreen scope={{ kind: "all" }} searchParams={query} />;
}
