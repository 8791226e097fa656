// Shown at once while the inbox page renders (the header above it comes from the seller layout).
// It sits in the (inbox) group so it wraps the inbox only: the item and accounts pages keep their
// not-found checks ahead of the first byte, and so their HTTP 404.
import { InboxPageSkeleton } from "~/components/inbox-skeleton";
import { getMessages } from "~/i18n/server";

export default async function InboxLoading() {
  const { t } = await getMessages();
  return <InboxPageSkeleton label={t.inbox.loading} />;
}
