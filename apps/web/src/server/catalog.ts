// The marketplaces and channels the UI shows, read once per request from the catalog router (the
// connector registry), with their names in the user's language.
import "server-only";
import { cache } from "react";
import type { CatalogView } from "~/components/labels";
import { channelName, marketplaceName } from "~/components/labels";
import type { Messages } from "~/i18n/messages";
import { getServerCaller } from "~/trpc/server";

const readCatalog = cache(async () => {
  const caller = await getServerCaller();
  return Promise.all([caller.catalog.marketplaces(), caller.catalog.channels()]);
});

export async function getCatalogView(t: Messages): Promise<CatalogView> {
  const [marketplaces, channels] = await readCatalog();
  return {
    marketplaces: marketplaces.map((entry) => ({ id: entry.id, name: marketplaceName(entry, t) })),
    channels: channels.map((id) => ({ id, name: channelName(id, t) })),
  };
}
