"use client";
// One line of the inbox: who wrote where, about what, the latest text (search matches marked), how
// long ago, and its read, answered and reply state. The link opens the item; the checkbox selects it.
import { forwardRef, type MouseEvent } from "react";
import type { Locale, Messages } from "~/i18n/messages";
import { MarketplaceBadge, ChannelBadge, ReplyStatusBadge, type CatalogView } from "../labels";
import { Badge, cn, Stars } from "../ui";
import type { Highlight, InboxRow as Row } from "./inbox-data";

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "5 мин. назад", "2 days ago": the age of the latest activity. */
export function formatAge(date: Date, now: number, locale: Locale, justNow: string): string {
  const seconds = Math.max(0, (now - date.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { style: "short", numeric: "always" });
  for (const [unit, size] of UNITS) if (seconds >= size) return format.format(-Math.floor(seconds / size), unit);
  return justNow;
}

/** Text with its search matches marked; the plain text when there is no match in it. */
function Highlighted({ segments, text }: { segments: Highlight | null | undefined; text: string }) {
  if (!segments) return text;
  return segments.map((segment, index) =>
    segment.match ? (
      <mark key={index} className="rounded-sm bg-amber-200 px-0.5 text-inherit">
        {segment.text}
      </mark>
    ) : (
      segment.text
    ),
  );
}

export interface InboxRowProps {
  row: Row;
  href: string;
  sellerName: string | null;
  catalog: CatalogView;
  active: boolean;
  open: boolean;
  selected: boolean;
  selectable: boolean;
  now: number;
  t: Messages;
  locale: Locale;
  onOpen: (event: MouseEvent<HTMLAnchorElement>) => void;
  onFocus: () => void;
  onSelect: (selected: boolean) => void;
}

export const InboxRowView = forwardRef<HTMLAnchorElement, InboxRowProps>(function InboxRowView(
  { row, href, sellerName, catalog, active, open, selected, selectable, now, t, locale, onOpen, onFocus, onSelect },
  ref,
) {
  const marketplace = catalog.marketplaces.find((entry) => entry.id === row.marketplace);
  const channel = catalog.channels.find((entry) => entry.id === row.channel);
  const plural = new Intl.PluralRules(locale);
  const state = row.read ? t.item.read : t.item.unread;
  return (
    <li
      className={cn(
        "relative flex items-start gap-2 border-l-4 pr-2 sm:pr-3",
        active ? "border-brand-600 bg-brand-50/60" : "border-transparent",
        open && "bg-brand-50",
      )}
      data-testid="inbox-item"
      data-key={row.key}
      data-channel={row.channel}
      data-marketplace={row.marketplace}
      data-read={row.read}
      data-answered={row.answered}
      data-active={active || undefined}
    >
      {selectable && (
        <label className="flex min-h-11 min-w-11 shrink-0 cursor-pointer items-center justify-center">
          <span className="sr-only">{t.triage.select}</span>
          <input
            type="checkbox"
            checked={selected}
            onChange={(event) => onSelect(event.target.checked)}
            className="h-4 w-4 accent-brand-600"
            data-testid="select-item"
          />
        </label>
      )}
      <a
        ref={ref}
        href={href}
        onClick={onOpen}
        onFocus={onFocus}
        aria-current={open ? "true" : undefined}
        className={cn(
          "block min-w-0 flex-1 rounded-md py-3 outline-none focus-visible:ring-2 focus-visible:ring-brand-600",
          !selectable && "pl-3",
        )}
      >
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600">
          <span className={cn("h-2 w-2 shrink-0 rounded-full", row.read ? "bg-slate-200" : "bg-brand-600")} title={state} aria-hidden />
          <span className="sr-only">{state}.</span>
          {sellerName && <span className="font-medium text-slate-800">{sellerName}</span>}
          <MarketplaceBadge marketplace={row.marketplace} t={t} name={marketplace?.name} />
          <ChannelBadge channel={row.channel} t={t} name={channel?.name} />
          {row.rating !== null && <Stars rating={row.rating} />}
          <time
            dateTime={row.lastActivityAt.toISOString()}
            title={row.lastActivityAt.toLocaleString(locale === "ru" ? "ru-RU" : "en-GB", { timeZone: "Europe/Moscow" })}
            className="ml-auto whitespace-nowrap"
            suppressHydrationWarning
          >
            {formatAge(row.lastActivityAt, now, locale, t.triage.ago.now)}
          </time>
        </div>
        <div className="mt-1 flex min-w-0 flex-wrap gap-x-2 text-xs text-slate-600">
          <span className="truncate">
            {row.authorName ? <Highlighted segments={row.highlight?.authorName} text={row.authorName} /> : t.triage.buyer}
          </span>
          {row.productName && (
            <span className="min-w-0 truncate">
              · <Highlighted segments={row.highlight?.productName} text={row.productName} />
            </span>
          )}
        </div>
        <p className={cn("mt-1 line-clamp-2 text-sm break-words", row.read ? "text-slate-700" : "font-semibold text-slate-900")}>
          <Highlighted segments={row.highlight?.snippet} text={row.text} />
        </p>
        <div className="mt-1.5 flex flex-wrap items-center gap-2">
          {row.answered ? <Badge tone="green">{t.item.answered}</Badge> : <Badge tone="amber">{t.item.notAnswered}</Badge>}
          {row.replyStatus && <ReplyStatusBadge status={row.replyStatus} t={t} />}
          {row.assignee && (
            <span className="text-xs text-slate-600" data-testid="row-assignee">
              {t.teamWork.assigned.replace("{name}", row.assignee.name)}
            </span>
          )}
          {row.channel === "chat" && (
            <span className="text-xs text-slate-600">
              {row.messageCount}{" "}
              {t.inbox.messages[plural.select(row.messageCount) as keyof typeof t.inbox.messages] ?? t.inbox.messages.other}
            </span>
          )}
        </div>
      </a>
    </li>
  );
});
