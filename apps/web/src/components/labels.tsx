// How marketplaces, channels and reply states look everywhere in the app. Which marketplaces and
// channels exist comes from the catalog router (the connector registry): nothing here lists them.
import type { Messages } from "~/i18n/messages";
import { Badge, type BadgeTone } from "./ui";

/** The catalog as the UI shows it: ids with names in the user's language, in the registry's order. */
export interface CatalogView {
  marketplaces: Array<{ id: string; name: string }>;
  channels: Array<{ id: string; name: string }>;
}

const REPLY_TONE: Record<string, BadgeTone> = { PENDING: "amber", SENDING: "amber", SENT: "green", FAILED: "red" };
// Ordered so that the marketplaces we ship get distinct colours (Wildberries violet, Ozon blue).
const MARKETPLACE_TONES: BadgeTone[] = ["violet", "blue", "amber"];

/** A marketplace's badge colour, stable per id, so any registered marketplace gets one without a list. */
function marketplaceTone(id: string): BadgeTone {
  let hash = 0;
  for (const char of id) hash = (hash * 2 + char.charCodeAt(0)) >>> 0;
  return MARKETPLACE_TONES[hash % MARKETPLACE_TONES.length] ?? "neutral";
}

/** The marketplace's name in the user's language, else the name its module registered, else its id. */
export function marketplaceName(marketplace: { id: string; displayName?: string }, t: Messages) {
  return t.marketplace[marketplace.id as keyof Messages["marketplace"]] ?? marketplace.displayName ?? marketplace.id;
}

export function channelName(channel: string, t: Messages) {
  return t.channel[channel as keyof Messages["channel"]] ?? channel;
}

/** Pass `name` from the catalog where it is at hand; otherwise the translation or the id is shown. */
export function MarketplaceBadge({ marketplace, t, name }: { marketplace: string; t: Messages; name?: string }) {
  return <Badge tone={marketplaceTone(marketplace)}>{name ?? marketplaceName({ id: marketplace }, t)}</Badge>;
}

export function ChannelBadge({ channel, t, name }: { channel: string; t: Messages; name?: string }) {
  return <Badge>{name ?? channelName(channel, t)}</Badge>;
}

export function ReplyStatusBadge({ status, t }: { status: string; t: Messages }) {
  return (
    <Badge tone={REPLY_TONE[status] ?? "neutral"} className="reply-status">
      {t.replyStatus[status as keyof Messages["replyStatus"]] ?? status}
    </Badge>
  );
}
