// The analytics page, for one seller or for all of the caller's sellers: the period lives in the URL
// (?from=YYYY-MM-DD&to=YYYY-MM-DD, Moscow days; 30 days up to today by default).
import { analyticsPeriodSchema } from "@inbox/api";
import Link from "next/link";
import { z } from "zod";
import { getMessages } from "~/i18n/server";
import { orNotFound } from "~/server/not-found";
import { getSellers, getServerCaller } from "~/trpc/server";
import { buttonClass, Card, cn, inputClass } from "../ui";
import { AnalyticsDashboard } from "./analytics-dashboard";

const DAY = 86_400_000;
/** Today in Moscow, the calendar analytics use. */
const moscowDay = (at: number) => new Date(at + 3 * 3_600_000).toISOString().slice(0, 10);

const periodParams = z.object({
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
});

function fill(template: string, values: Record<string, string | number>) {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));
}

export async function AnalyticsPage({
  sellerId,
  searchParams,
}: {
  /** One seller's analytics; undefined for all of the caller's sellers. */
  sellerId?: string;
  searchParams: Record<string, string | string[] | undefined>;
}) {
  const { t, locale } = await getMessages();
  const a = t.analytics;
  const now = Date.now();
  const requested = periodParams.parse(searchParams);
  const fallback = { from: moscowDay(now - 29 * DAY), to: moscowDay(now) };
  const period = { from: requested.from ?? fallback.from, to: requested.to ?? fallback.to };
  // A period the API would refuse (reversed, too long, a day out of range) shows the default instead.
  const valid = analyticsPeriodSchema.safeParse(period).success;
  const shown = valid ? period : fallback;
  const caller = await getServerCaller();
  const [data, sellers] = await Promise.all([
    sellerId ? orNotFound(caller.analytics.seller({ sellerId, ...shown })) : caller.analytics.allSellers(shown),
    getSellers(),
  ]);
  const owned = sellers.filter((seller) => seller.role === "OWNER").map((seller) => seller.id);
  const base = sellerId ? `/s/${sellerId}/analytics` : "/analytics";
  const preset = (days: number) => `${base}?from=${moscowDay(now - (days - 1) * DAY)}&to=${moscowDay(now)}`;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1">
          <h1 className="text-xl font-semibold">{sellerId ? a.title : a.titleAll}</h1>
          <p className="mt-1 text-sm text-slate-500">
            {sellerId ? a.subtitle : fill(a.subtitleAll, { sellers: data.sellers.map((seller) => seller.name).join(", ") })}
          </p>
        </div>
        {sellerId && sellers.length > 1 && (
          <Link href={`/analytics?from=${shown.from}&to=${shown.to}`} className="text-sm text-brand-700 hover:underline">
            {a.allSellers}
          </Link>
        )}
      </div>

      <Card className="p-4">
        <form method="get" action={base} className="flex flex-wrap items-end gap-3" aria-label={a.period.legend}>
          <label className="space-y-1 text-sm font-medium text-slate-700">
            <span className="block">{a.period.from}</span>
            <input type="date" name="from" defaultValue={shown.from} required className={cn(inputClass, "w-auto")} />
          </label>
          <label className="space-y-1 text-sm font-medium text-slate-700">
            <span className="block">{a.period.to}</span>
            <input type="date" name="to" defaultValue={shown.to} required className={cn(inputClass, "w-auto")} />
          </label>
          <button type="submit" className={buttonClass("primary")}>
            {a.period.apply}
          </button>
          <nav className="flex gap-1 text-sm" aria-label={a.period.legend}>
            {([7, 30, 90] as const).map((days) => (
              <Link key={days} href={preset(days)} className={buttonClass("ghost", "px-2.5 py-1")}>
                {a.period[`last${days}`]}
              </Link>
            ))}
          </nav>
        </form>
        {!valid && (
          <p role="alert" className="mt-2 text-sm text-rose-700">
            {a.period.invalid}
          </p>
        )}
      </Card>

      <AnalyticsDashboard key={`${shown.from}/${shown.to}`} data={data} ownedSellerIds={owned} locale={locale} t={t} />
    </div>
  );
}
