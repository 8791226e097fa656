// Shown at once while the inbox over all sellers renders (the header comes from the layout).
import { InboxPageSkeleton } from "~/components/inbox-skeleton";
import { getMessages } from "~/i18n/server";

export default async function InboxLoading() {
  const { t } = await getMessages();
  return <InboxPageSkeleton label={t.inbox.loading} />;
}
