// How marketplaces, channels and reply states look everywhere in the app.
import type { Messages } from "~/i18n/messages";
import { Badge, type BadgeTone } from "./ui";

/** Badge colours of the marketplaces we know; any other registered marketplace gets a neutral badge. */
const MARKETPLACE_TONE: Record<string, BadgeTone> = { wildberries: "violet", ozon: "blue", "yandex-market": "amber" };
const REPLY_TONE: Record<string, BadgeTone> = { PENDING: "amber", SENDING: "amber", SENT: "green", FAILED: "red" };

/** The marketplace's name in the user's language, else the name its module registered, else its id. */
export function marketplaceName(marketplace: { id: string; displayName?: string }, t: Messages) {
  return t.marketplace[marketplace.id as keyof Messages["marketplace"]] ?? marketplace.displayName ?? marketplace.id;
}

export function channelName(channel: string, t: Messages) {
  return t.channel[channel as keyof Messages["channel"]] ?? channel;
}

export function MarketplaceBadge({ marketplace, t }: { marketplace: string; t: Messages }) {
  return <Badge tone={MARKETPLACE_TONE[marketplace] ?? "neutral"}>{marketplaceName({ id: marketplace }, t)}</Badge>;
}

export function ChannelBadge({ channel, t }: { channel: string; t: Messages }) {
  return <Badge>{channelName(channel, t)}</Badge>;
}

export function ReplyStatusBadge({ status, t }: { status: string; t: Messages }) {
  return (
    <Badge tone={REPLY_TONE[status] ?? "neutral"} className="reply-status">
      {t.replyStatus[status as keyof Messages["replyStatus"]] ?? status}
    </Badge>
  );
}
