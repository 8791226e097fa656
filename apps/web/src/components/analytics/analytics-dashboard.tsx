"use client";
// The analytics page's charts (recharts), each with a table view and a CSV export of the same rows.
// Every number arrives computed by the server (analytics router); this file only lays them out.
import type { RouterOutputs } from "@inbox/api";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Messages } from "~/i18n/messages";
import { useTRPC } from "~/trpc/client";
import { formatDuration } from "../duration";
import { formatDateTime } from "../format";
import { channelName, marketplaceName } from "../labels";
import { Button, Card, inputClass, Spinner } from "../ui";
import { ChartCard, type Column, type Row, type Value } from "./chart-card";

type Analytics = RouterOutputs["analytics"]["seller"];

const COLORS = ["#4f46e5", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#64748b", "#ec4899"];
const STAR_COLORS = ["#ef4444", "#f97316", "#eab308", "#84cc16", "#10b981"];

function fill(template: string, values: Record<string, string | number>) {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));
}

/** "23.11" for chart axes; tables show the full date. */
const shortDay = (day: string) => `${day.slice(8, 10)}.${day.slice(5, 7)}`;

export function productInboxHref(sellerId: string, product: string) {
  const query = new URLSearchParams({ product });
  query.append("ratings", "1");
  query.append("ratings", "2");
  return `/s/${sellerId}?${query.toString()}`;
}

export function AnalyticsDashboard({
  data,
  ownedSellerIds,
  locale,
  t,
}: {
  data: Analytics;
  /** Sellers whose answer target the caller may change (owner). */
  ownedSellerIds: string[];
  locale: string;
  t: Messages;
}) {
  const a = t.analytics;
  const view = a.view;
  const number = (value: Value) =>
    value === null ? "—" : new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB").format(Number(value));
  const duration = (value: Value) => (value === null ? "—" : formatDuration(Number(value) * 1000, locale));
  const sellerName = (id: string) => data.sellers.find((seller) => seller.id === id)?.name ?? id;
  const multiSeller = data.sellers.length > 1;
  const slug = `${data.period.from}_${data.period.to}`;

  const unansweredTotal = data.unanswered.reduce((sum, row) => sum + row.items, 0);
  const overdueTotal = data.overdue.reduce((sum, row) => sum + row.items, 0);
  const reviewsTotal = data.ratings.distribution.reduce((sum, row) => sum + row.reviews, 0);
  const average = reviewsTotal ? data.ratings.distribution.reduce((sum, row) => sum + row.rating * row.reviews, 0) / reviewsTotal : null;
  const answersTotal = data.answersByMember.members.reduce((sum, member) => sum + member.answers, 0);

  // Unanswered now, per marketplace and channel.
  const unansweredRows: Row[] = data.unanswered.map((row) => ({
    label: `${marketplaceName({ id: row.marketplace }, t)} · ${channelName(row.channel, t)}`,
    marketplace: marketplaceName({ id: row.marketplace }, t),
    channel: channelName(row.channel, t),
    unanswered: row.items,
    overdue: data.overdue.find((entry) => entry.marketplace === row.marketplace && entry.channel === row.channel)?.items ?? 0,
  }));

  const responseRows: Row[] = data.responseTimes.days.map((day) => ({
    day: day.day,
    short: shortDay(day.day),
    answers: day.answers,
    p50: day.p50Seconds,
    p90: day.p90Seconds,
    p50Hours: day.p50Seconds === null ? null : Math.round((day.p50Seconds / 3600) * 100) / 100,
    p90Hours: day.p90Seconds === null ? null : Math.round((day.p90Seconds / 3600) * 100) / 100,
  }));

  const members = data.answersByMember.members.map((member, index) => ({
    key: `m${index}`,
    name: member.name ?? a.members.noAuthor,
  }));
  const memberRows: Row[] = data.answersByMember.days.map((day) => ({
    day: day.day,
    short: shortDay(day.day),
    ...Object.fromEntries(members.map((member, index) => [member.key, day.answers[index] ?? 0])),
    total: day.answers.reduce((sum, n) => sum + n, 0),
  }));

  const distributionRows: Row[] = data.ratings.distribution.map((row) => ({
    rating: row.rating,
    label: fill(a.distribution.stars, { n: row.rating }),
    reviews: row.reviews,
  }));
  const trendRows: Row[] = data.ratings.days.map((day) => ({
    day: day.day,
    short: shortDay(day.day),
    reviews: day.reviews,
    r1: day.r1,
    r2: day.r2,
    r3: day.r3,
    r4: day.r4,
    r5: day.r5,
    average: day.average,
  }));

  const productRows: Row[] = data.negativeProducts.map((product) => ({
    sellerId: product.sellerId,
    seller: sellerName(product.sellerId),
    product: product.product,
    name: product.name ?? product.product,
    article: product.article,
    negative: product.negative,
    r1: product.r1,
    r2: product.r2,
  }));

  const allDaysEmpty = (rows: Row[], key: string) => rows.every((row) => !row[key]);
  const dayColumn: Column = { key: "day", label: a.response.day };

  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="analytics-tiles">
        {[
          ["unanswered", a.tiles.unanswered, number(unansweredTotal)],
          ["overdue", a.tiles.overdue, number(overdueTotal)],
          ["median", a.tiles.median, duration(data.responseTimes.overall?.p50Seconds ?? null)],
          ["p90", a.tiles.p90, duration(data.responseTimes.overall?.p90Seconds ?? null)],
          ["reviews", a.tiles.reviews, number(reviewsTotal)],
          ["average", a.tiles.average, average === null ? "—" : average.toFixed(2)],
          ["answers", a.tiles.answers, number(answersTotal)],
        ].map(([key, label, value]) => (
          <Card key={key} className="p-4" data-testid={`tile-${key}`}>
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="mt-1 text-xl font-semibold tabular-nums">{value}</dd>
          </Card>
        ))}
      </dl>

      <ChartCard
        id="unanswered"
        title={a.unanswered.title}
        description={a.unanswered.description}
        labels={view}
        emptyText={a.empty}
        csvName={`unanswered-${slug}.csv`}
        rows={unansweredRows}
        columns={[
          { key: "marketplace", label: a.unanswered.marketplace },
          { key: "channel", label: a.unanswered.channel },
          { key: "unanswered", label: a.unanswered.unanswered, numeric: true, format: number },
          { key: "overdue", label: a.unanswered.overdue, numeric: true, format: number },
        ]}
        chart={
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={unansweredRows} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" tick={{ fontSize: 11 }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
              <Tooltip />
              <Legend />
              <Bar dataKey="unanswered" name={a.unanswered.unanswered} fill={COLORS[0]} />
              <Bar dataKey="overdue" name={a.unanswered.overdue} fill={COLORS[3]} />
            </BarChart>
          </ResponsiveContainer>
        }
      />

      <ChartCard
        id="response"
        title={a.response.title}
        description={a.response.description}
        labels={view}
        emptyText={a.empty}
        csvName={`first-answer-${slug}.csv`}
        rows={allDaysEmpty(responseRows, "answers") ? [] : responseRows}
        columns={[
          dayColumn,
          { key: "answers", label: a.response.answers, numeric: true, format: number },
          { key: "p50", label: a.response.p50, numeric: true, format: duration },
          { key: "p90", label: a.response.p90, numeric: true, format: duration },
        ]}
        chart={
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={responseRows} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="short" tick={{ fontSize: 11 }} />
              <YAxis tick={{ fontSize: 11 }} />
              <Tooltip />
              <Legend />
              <Line type="monotone" dataKey="p50Hours" name={a.response.p50Hours} stroke={COLORS[0]} connectNulls />
              <Line type="monotone" dataKey="p90Hours" name={a.response.p90Hours} stroke={COLORS[1]} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        }
      />

      <ChartCard
        id="members"
        title={a.members.title}
        description={a.members.description}
        labels={view}
        emptyText={a.empty}
        csvName={`answers-per-member-${slug}.csv`}
        rows={members.length === 0 ? [] : memberRows}
        columns={[
          dayColumn,
          ...members.map((member) => ({ key: member.key, label: member.name, numeric: true, format: number })),
          { key: "total", label: a.members.total, numeric: true, format: number },
        ]}
        chart={
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={memberRows} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="short" tick={{ fontSize: 11 }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
              <Tooltip />
              <Legend />
              {members.map((member, index) => (
                <Bar key={member.key} dataKey={member.key} name={member.name} stackId="answers" fill={COLORS[index % COLORS.length]} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        }
      />

      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard
          id="distribution"
          title={a.distribution.title}
          description={a.distribution.description}
          labels={view}
          emptyText={a.empty}
          csvName={`rating-distribution-${slug}.csv`}
          rows={reviewsTotal === 0 ? [] : distributionRows}
          columns={[
            { key: "rating", label: a.distribution.rating },
            { key: "reviews", label: a.distribution.reviews, numeric: true, format: number },
          ]}
          chart={
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={distributionRows} accessibilityLayer>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" tick={{ fontSize: 11 }} />
                <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
                <Tooltip />
                <Bar dataKey="reviews" name={a.distribution.reviews} fill={STAR_COLORS[4]} />
              </BarChart>
            </ResponsiveContainer>
          }
        />

        <ChartCard
          id="trend"
          title={a.trend.title}
          description={a.trend.description}
          labels={view}
          emptyText={a.empty}
          csvName={`rating-trend-${slug}.csv`}
          rows={reviewsTotal === 0 ? [] : trendRows}
          columns={[
            dayColumn,
            { key: "reviews", label: a.trend.reviews, numeric: true, format: number },
            ...[1, 2, 3, 4, 5].map((n) => ({ key: `r${n}`, label: fill(a.distribution.stars, { n }), numeric: true, format: number })),
            {
              key: "average",
              label: a.trend.average,
              numeric: true,
              format: (value: Value) => (value === null ? "—" : Number(value).toFixed(2)),
            },
          ]}
          chart={
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart data={trendRows} accessibilityLayer>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="short" tick={{ fontSize: 11 }} />
                <YAxis yAxisId="reviews" allowDecimals={false} tick={{ fontSize: 11 }} />
                <YAxis yAxisId="average" orientation="right" domain={[1, 5]} tick={{ fontSize: 11 }} />
                <Tooltip />
                <Legend />
                <Bar yAxisId="reviews" dataKey="reviews" name={a.trend.reviews} fill="#cbd5e1" />
                <Line yAxisId="average" type="monotone" dataKey="average" name={a.trend.average} stroke={COLORS[0]} connectNulls />
              </ComposedChart>
            </ResponsiveContainer>
          }
        />
      </div>

      <ChartCard
        id="products"
        title={a.products.title}
        description={a.products.description}
        labels={view}
        emptyText={a.products.none}
        csvName={`negative-products-${slug}.csv`}
        defaultView="table"
        rows={productRows}
        columns={[
          ...(multiSeller ? [{ key: "seller", label: a.products.seller }] : []),
          { key: "name", label: a.products.product },
          { key: "product", label: a.products.article },
          { key: "negative", label: a.products.negative, numeric: true, format: number },
          { key: "r1", label: a.products.oneStar, numeric: true, format: number },
          { key: "r2", label: a.products.twoStars, numeric: true, format: number },
        ]}
        linkColumn={{
          label: a.products.open,
          href: (row) => productInboxHref(String(row.sellerId), String(row.product)),
        }}
        chart={
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={productRows} layout="vertical" accessibilityLayer margin={{ left: 24 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
              <YAxis type="category" dataKey="product" width={120} tick={{ fontSize: 11 }} />
              <Tooltip />
              <Legend />
              <Bar dataKey="r1" name={a.products.oneStar} stackId="negative" fill={STAR_COLORS[0]} />
              <Bar dataKey="r2" name={a.products.twoStars} stackId="negative" fill={STAR_COLORS[1]} />
            </BarChart>
          </ResponsiveContainer>
        }
      />

      <WaitingCard data={data} ownedSellerIds={ownedSellerIds} multiSeller={multiSeller} locale={locale} t={t} />
    </div>
  );
}

function WaitingCard({
  data,
  ownedSellerIds,
  multiSeller,
  locale,
  t,
}: {
  data: Analytics;
  ownedSellerIds: string[];
  multiSeller: boolean;
  locale: string;
  t: Messages;
}) {
  const w = t.analytics.waiting;
  const now = Date.now();
  return (
    <Card className="space-y-4 p-5" data-testid="waiting" role="region" aria-label={w.title}>
      <div>
        <h2 className="text-base font-semibold">{w.title}</h2>
        <p className="mt-0.5 text-xs text-slate-500">{w.description}</p>
      </div>
      <ul className="space-y-2 text-sm">
        {data.sellers.map((seller) => (
          <li key={seller.id} className="flex flex-wrap items-center gap-3" data-testid="answer-target" data-seller-id={seller.id}>
            <span>{fill(w.targetOf, { seller: seller.name, time: formatDuration(seller.answerTargetMinutes * 60_000, locale) })}</span>
            {ownedSellerIds.includes(seller.id) && <TargetForm sellerId={seller.id} minutes={seller.answerTargetMinutes} t={t} />}
          </li>
        ))}
      </ul>
      {ownedSellerIds.length === 0 && <p className="text-xs text-slate-500">{w.ownerOnly}</p>}
      {data.longestWaiting.length === 0 ? (
        <p className="text-sm text-slate-500">{w.none}</p>
      ) : (
        <table className="w-full text-left text-sm" data-testid="waiting-items">
          <caption className="sr-only">{w.title}</caption>
          <thead className="text-xs text-slate-500">
            <tr className="border-b border-slate-200">
              {multiSeller && <th className="py-1.5 pr-3 font-medium">{w.seller}</th>}
              <th className="py-1.5 pr-3 font-medium">{w.item}</th>
              <th className="py-1.5 pr-3 text-right font-medium">{w.waitingFor}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-50">
            {data.longestWaiting.map((item) => (
              <tr key={item.id} data-testid="waiting-item">
                {multiSeller && <td className="py-1.5 pr-3">{data.sellers.find((seller) => seller.id === item.sellerId)?.name}</td>}
                <td className="py-1.5 pr-3">
                  <Link href={`/s/${item.sellerId}/items/${item.id}`} className="text-brand-700 hover:underline">
                    {marketplaceName({ id: item.marketplace }, t)} · {channelName(item.channel, t)}: {item.productName ?? item.text}
                  </Link>
                  <span className="ml-2 text-xs text-slate-500">{formatDateTime(item.lastActivityAt, locale)}</span>
                </td>
                <td className="whitespace-nowrap py-1.5 pr-3 text-right tabular-nums" suppressHydrationWarning>
                  {formatDuration(now - item.lastActivityAt.getTime(), locale)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function TargetForm({ sellerId, minutes, t }: { sellerId: string; minutes: number; t: Messages }) {
  const w = t.analytics.waiting;
  const trpc = useTRPC();
  const router = useRouter();
  const [hours, setHours] = useState(String(Math.round((minutes / 60) * 10) / 10));
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.analytics.setAnswerTarget.mutationOptions({
      onSuccess: () => {
        setSaved(true);
        router.refresh();
      },
    }),
  );
  return (
    <form
      className="flex items-center gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        setSaved(false);
        save.mutate({ sellerId, answerTargetMinutes: Math.max(5, Math.round(Number(hours) * 60)) });
      }}
    >
      <label className="flex items-center gap-2 text-xs text-slate-600">
        {w.target}
        <input
          type="number"
          min={0.1}
          max={720}
          step={0.5}
          required
          value={hours}
          onChange={(event) => setHours(event.target.value)}
          className={`${inputClass} w-20 py-1`}
        />
        {w.hours}
      </label>
      <Button type="submit" variant="secondary" className="px-2.5 py-1 text-xs" disabled={save.isPending}>
        {save.isPending && <Spinner />}
        {w.save}
      </Button>
      {saved && (
        <span role="status" className="text-xs text-emerald-700">
          {w.saved}
        </span>
      )}
      {save.error && (
        <span role="alert" className="text-xs text-rose-700">
          {save.error.message}
        </span>
      )}
    </form>
  );
}
