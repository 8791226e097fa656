// How marketplaces, channels and reply states look everywhere in the app.
import type { Messages } from "~/i18n/messages";
import { Badge, type BadgeTone } from "./ui";

const MARKETPLACE_TONE: Record<string, BadgeTone> = { wildberries: "violet", ozon: "blue", "yandex-market": "amber" };
const REPLY_TONE: Record<string, BadgeTone> = { PENDING: "amber", SENDING: "amber", SENT: "green", FAILED: "red" };

export function MarketplaceBadge({ marketplace, t }: { marketplace: string; t: Messages }) {
  const label = t.marketplace[marketplace as keyof Messages["marketplace"]] ?? marketplace;
  return <Badge tone={MARKETPLACE_TONE[marketplace] ?? "neutral"}>{label}</Badge>;
}

export function ChannelBadge({ channel, t }: { channel: string; t: Messages }) {
  return <Badge>{t.channel[channel as keyof Messages["channel"]] ?? channel}</Badge>;
}

export function ReplyStatusBadge({ status, t }: { status: string; t: Messages }) {
  return (
    <Badge tone={REPLY_TONE[status] ?? "neutral"} className="reply-status">
      {t.replyStatus[status as keyof Messages["replyStatus"]] ?? status}
    </Badge>
  );
}
