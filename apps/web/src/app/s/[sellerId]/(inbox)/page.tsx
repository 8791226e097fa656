// The inbox of one seller: filters live in the URL, so every view can be linked and reloaded.
// The page streams: its frame (title, filters, tab labels) is sent at once, and the counts and
// the list follow in <Suspense> when the query returns, so the first byte never waits for it.
import type { RouterOutputs } from "@inbox/api";
import Link from "next/link";
import { Suspense } from "react";
import { z } from "zod";
import { formatDateTime } from "~/components/format";
import { InboxListSkeleton } from "~/components/inbox-skeleton";
import { ChannelBadge, channelName, MarketplaceBadge, marketplaceName, ReplyStatusBadge } from "~/components/labels";
import { Badge, buttonClass, Card, cn, Stars } from "~/components/ui";
import type { Locale, Messages } from "~/i18n/messages";
import { getMessages } from "~/i18n/server";
import { orNotFound } from "~/server/not-found";
import { getServerCaller } from "~/trpc/server";

const filtersSchema = z.object({
  // Checked against the registry's lists below.
  marketplace: z.string().max(64).optional().catch(undefined),
  channel: z.string().max(32).optional().catch(undefined),
  status: z.enum(["unanswered", "answered"]).optional().catch(undefined),
  read: z.enum(["true", "false"]).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});
type Filters = z.infer<typeof filtersSchema>;

function hrefWith(sellerId: string, filters: Filters, change: Partial<Filters>) {
  const next = { ...filters, cursor: undefined, ...change };
  const query = new URLSearchParams(Object.entries(next).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const search = query.toString();
  return `/s/${sellerId}${search ? `?${search}` : ""}`;
}

type InboxPageData = RouterOutputs["inbox"]["list"];
type Counts = InboxPageData["counts"];

export default async function InboxPage({
  params,
  searchParams,
}: {
  params: Promise<{ sellerId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { sellerId } = await params;
  const filters = filtersSchema.parse(await searchParams);
  const { t, locale } = await getMessages();
  const caller = await getServerCaller();
  const [catalog, channelIds] = await Promise.all([caller.catalog.marketplaces(), caller.catalog.channels()]);
  // An unknown marketplace or channel in the URL shows everything, as the API would refuse it.
  if (!catalog.some((entry) => entry.id === filters.marketplace)) filters.marketplace = undefined;
  if (!channelIds.some((id) => id === filters.channel)) filters.channel = undefined;
  // Started now, awaited inside the boundaries below: the counts and the list share one query.
  const page = orNotFound(
    caller.inbox.list({
      sellerId,
      marketplace: filters.marketplace,
      channel: filters.channel,
      status: filters.status,
      read: filters.read === undefined ? undefined : filters.read === "true",
      cursor: filters.cursor ?? null,
      limit: 30,
    }),
  );

  const marketplaces: Array<[Filters["marketplace"], string]> = [
    [undefined, t.inbox.allMarketplaces],
    ...catalog.map((entry): [string, string] => [entry.id, marketplaceName(entry, t)]),
  ];
  const channels: Array<[Filters["channel"], string]> = [
    [undefined, t.inbox.allChannels],
    ...channelIds.map((id): [string, string] => [id, channelName(id, t)]),
  ];
  const pill = (active: boolean) =>
    cn(
      "rounded-full px-3 py-1 text-sm",
      active ? "bg-slate-900 text-white" : "bg-white text-slate-700 ring-1 ring-slate-200 hover:bg-slate-100",
    );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-xl font-semibold">{t.inbox.title}</h1>
        <Suspense fallback={<StatusTabs sellerId={sellerId} filters={filters} counts={null} t={t} />}>
          <StatusTabsWithCounts sellerId={sellerId} filters={filters} page={page} t={t} />
        </Suspense>
      </div>

      <div className="flex flex-wrap gap-2" aria-label="filters">
        {marketplaces.map(([value, label]) => (
          <Link key={label} href={hrefWith(sellerId, filters, { marketplace: value })} className={pill(filters.marketplace === value)}>
            {label}
          </Link>
        ))}
        <span className="mx-1 w-px bg-slate-200" />
        {channels.map(([value, label]) => (
          <Link key={label} href={hrefWith(sellerId, filters, { channel: value })} className={pill(filters.channel === value)}>
            {label}
          </Link>
        ))}
      </div>

      <Suspense fallback={<InboxListSkeleton label={t.inbox.loading} />}>
        <InboxList sellerId={sellerId} filters={filters} page={page} t={t} locale={locale} />
      </Suspense>
    </div>
  );
}

/** Status tabs; the counts are blank until the query returns. */
function StatusTabs({ sellerId, filters, counts, t }: { sellerId: string; filters: Filters; counts: Counts | null; t: Messages }) {
  const tabs: Array<{ label: string; count: keyof Counts; change: Partial<Filters>; active: boolean }> = [
    { label: t.inbox.all, count: "all", change: { status: undefined, read: undefined }, active: !filters.status && !filters.read },
    {
      label: t.inbox.unanswered,
      count: "unanswered",
      change: { status: "unanswered", read: undefined },
      active: filters.status === "unanswered",
    },
    { label: t.inbox.answered, count: "answered", change: { status: "answered", read: undefined }, active: filters.status === "answered" },
    { label: t.inbox.unread, count: "unread", change: { status: undefined, read: "false" }, active: filters.read === "false" },
  ];
  return (
    <nav aria-label="status" className="flex flex-wrap gap-1 rounded-lg bg-slate-100 p-1">
      {tabs.map((tab) => (
        <Link
          key={tab.label}
          href={hrefWith(sellerId, filters, tab.change)}
          aria-current={tab.active ? "page" : undefined}
          className={cn(
            "rounded-md px-3 py-1.5 text-sm",
            tab.active ? "bg-white font-medium shadow-sm" : "text-slate-600 hover:text-slate-900",
          )}
        >
          {tab.label}{" "}
          {counts ? (
            <span className="text-slate-400">{counts[tab.count]}</span>
          ) : (
            <span className="inline-block h-3 w-5 animate-pulse rounded bg-slate-200 align-middle" />
          )}
        </Link>
      ))}
    </nav>
  );
}

async function StatusTabsWithCounts({ page, ...tabs }: { sellerId: string; filters: Filters; page: Promise<InboxPageData>; t: Messages }) {
  const { counts } = await page;
  return <StatusTabs {...tabs} counts={counts} />;
}

async function InboxList({
  sellerId,
  filters,
  page: pending,
  t,
  locale,
}: {
  sellerId: string;
  filters: Filters;
  page: Promise<InboxPageData>;
  t: Messages;
  locale: Locale;
}) {
  const page = await pending;
  const plural = new Intl.PluralRules(locale);
  return (
    <>
      {page.items.length === 0 ? (
        <Card className="p-10 text-center text-slate-500">{t.inbox.empty}</Card>
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100" data-testid="inbox-list">
            {page.items.map((item) => (
              <li key={item.id}>
                <Link
                  href={`/s/${sellerId}/items/${item.id}`}
                  className="flex gap-3 px-4 py-3 hover:bg-slate-50"
                  data-testid="inbox-item"
                  data-channel={item.channel}
                  data-marketplace={item.marketplace}
                >
                  <span
                    className={cn("mt-2 h-2 w-2 shrink-0 rounded-full", item.read ? "bg-transparent" : "bg-brand-600")}
                    aria-label={item.read ? t.item.read : t.item.unread}
                  />
                  <div className="min-w-0 flex-1">
                    <div className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
                      <MarketplaceBadge marketplace={item.marketplace} t={t} />
                      <ChannelBadge channel={item.channel} t={t} />
                      {item.rating !== null && <Stars rating={item.rating} />}
                      <span>{item.authorName}</span>
                      {item.productName && <span className="truncate">· {item.productName}</span>}
                      <span className="ml-auto whitespace-nowrap">{formatDateTime(item.lastActivityAt, locale)}</span>
                    </div>
                    <p className={cn("mt-1 line-clamp-2 text-sm", !item.read && "font-medium")}>{item.text}</p>
                    <div className="mt-1 flex gap-2">
                      {item.answered ? <Badge tone="green">{t.item.answered}</Badge> : <Badge tone="amber">{t.item.notAnswered}</Badge>}
                      {item.replyStatus && <ReplyStatusBadge status={item.replyStatus} t={t} />}
                      {item.channel === "chat" && (
                        <span className="text-xs text-slate-500">
                          {item.messageCount}{" "}
                          {t.inbox.messages[plural.select(item.messageCount) as keyof typeof t.inbox.messages] ?? t.inbox.messages.other}
                        </span>
                      )}
                    </div>
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      )}

      {page.nextCursor && (
        <div className="text-center">
          <Link href={hrefWith(sellerId, filters, { cursor: page.nextCursor })} className={buttonClass("secondary")}>
            {t.inbox.more}
          </Link>
        </div>
      )}
    </>
  );
}
