// The inbox of one seller: the same triage view as /inbox, limited to this seller.
import { InboxScreen } from "~/components/inbox/inbox-screen";

export default async function SellerInboxPage({
  params,
  searchParams,
}: {
  params: Promise<{ sellerId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ sellerId }, query] = await Promise.all([params, searchParams]);
  return <InboxScreen scope={{ kind: "seller", sellerId }} searchParams={query} />;
}
