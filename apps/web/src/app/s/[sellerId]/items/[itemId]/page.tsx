// One review, question or chat thread: the item view (shared with the inbox's split view) under a
// link back to the inbox. The item is fetched on the server and handed to the view, so the first
// paint is complete, and another seller's or a missing item gets the not-found page.
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import Link from "next/link";
import { ItemView } from "~/components/item/item-view";
import { getMessages } from "~/i18n/server";
import { orNotFound } from "~/server/not-found";
import { getServerQueryClient, serverTRPC } from "~/trpc/server";

export default async function ItemPage({ params }: { params: Promise<{ sellerId: string; itemId: string }> }) {
  const { sellerId, itemId } = await params;
  const queryClient = getServerQueryClient();
  const [, , { t }] = await Promise.all([
    orNotFound(queryClient.fetchQuery(serverTRPC.inbox.get.queryOptions({ sellerId, itemId })), { idsFromPath: true }),
    queryClient.prefetchQuery(serverTRPC.seller.list.queryOptions()),
    getMessages(),
  ]);
  return (
    <div className="space-y-4">
      <Link href={`/s/${sellerId}`} className="text-sm text-slate-600 hover:text-slate-900">
        {t.item.back}
      </Link>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <ItemView sellerId={sellerId} itemId={itemId} />
      </HydrationBoundary>
    </div>
  );
}
