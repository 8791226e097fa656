"use client";
// The inbox filters. Every control edits the URL (one parameter, keeping the others), so a view can
// be linked, reloaded and gone back to; the server page parses the URL with the API's schema.
import { useRef, type FormEvent, type ReactNode } from "react";
import type { Messages } from "~/i18n/messages";
import { listValues, toggleListValue, type InboxUrlState } from "~/lib/inbox-url";
import type { CatalogView } from "../labels";
import { buttonClass, cn, inputClass } from "../ui";
import type { Count, InboxCounts, StatusKey } from "./inbox-data";

const STATUS_KEYS: StatusKey[] = ["all", "unanswered", "answered", "reply_pending", "reply_failed"];
const RATINGS = ["1", "2", "3", "4", "5"];

function Chip({ pressed, onClick, children, testId }: { pressed: boolean; onClick: () => void; children: ReactNode; testId?: string }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      data-testid={testId}
      className={cn(
        "inline-flex min-h-9 items-center gap-1 rounded-full px-3 py-1 text-sm whitespace-nowrap focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600",
        pressed ? "bg-slate-900 text-white" : "bg-white text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100",
      )}
    >
      {children}
    </button>
  );
}

function CountBadge({ value, pressed }: { value: Count | undefined; pressed?: boolean }) {
  if (value === undefined) return null;
  return (
    <span className={cn("tabular-nums", pressed ? "text-slate-300" : "text-slate-600")}>
      {value.count}
      {value.more && "+"}
    </span>
  );
}

function Group({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="group" aria-label={label} className="flex flex-wrap items-center gap-1.5">
      <span className="mr-1 text-xs font-medium text-slate-600" aria-hidden>
        {label}
      </span>
      {children}
    </div>
  );
}

export function InboxFilters({
  state,
  counts,
  catalog,
  sellers,
  t,
  onChange,
  searchRef,
}: {
  state: InboxUrlState;
  counts: InboxCounts;
  catalog: CatalogView;
  /** Shown as a filter in the inbox over all sellers only. */
  sellers: Array<{ id: string; name: string }> | null;
  t: Messages;
  onChange: (change: InboxUrlState) => void;
  searchRef: React.RefObject<HTMLInputElement | null>;
}) {
  const tf = t.triage;
  const detailsRef = useRef<HTMLDetailsElement>(null);
  const status = (state.status ?? "all") as StatusKey;
  const moreActive = Boolean(state.product || state.from || state.to);

  function onSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get("q");
    onChange({ q: typeof value === "string" && value.trim() ? value.trim() : undefined });
  }

  function onMore(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === "string" && value.trim() ? value.trim() : undefined;
    };
    onChange({ product: text("product"), from: text("from"), to: text("to") });
  }

  return (
    <div className="space-y-3" data-testid="inbox-filters">
      <div className="flex flex-wrap items-center gap-2">
        <form role="search" onSubmit={onSearch} className="flex min-w-0 flex-1 basis-64 gap-2">
          <label htmlFor="inbox-search" className="sr-only">
            {tf.search}
          </label>
          <input
            ref={searchRef}
            id="inbox-search"
            name="q"
            type="search"
            defaultValue={state.q ?? ""}
            key={state.q ?? ""}
            placeholder={tf.searchPlaceholder}
            className={cn(inputClass, "min-h-10")}
          />
          <button type="submit" className={buttonClass("secondary", "min-h-10")}>
            {tf.search}
          </button>
        </form>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <span className="sr-only sm:not-sr-only">{tf.sort}</span>
          <select
            aria-label={tf.sort}
            value={state.sort ?? "newest"}
            onChange={(event) => onChange({ sort: event.target.value === "newest" ? undefined : event.target.value })}
            className={cn(inputClass, "min-h-10 w-auto")}
          >
            {(Object.keys(tf.sorts) as Array<keyof typeof tf.sorts>).map((sort) => (
              <option key={sort} value={sort}>
                {tf.sorts[sort]}
              </option>
            ))}
          </select>
        </label>
      </div>

      <div className="-mx-1 overflow-x-auto px-1 pb-1">
        <div role="group" aria-label={tf.status} className="inline-flex gap-1 rounded-lg bg-slate-100 p-1">
          {STATUS_KEYS.map((key) => (
            <button
              key={key}
              type="button"
              aria-pressed={status === key}
              onClick={() => onChange({ status: key === "all" ? undefined : key })}
              className={cn(
                "min-h-9 rounded-md px-3 py-1.5 text-sm whitespace-nowrap focus-visible:outline-2 focus-visible:outline-brand-600",
                status === key ? "bg-white font-medium text-slate-900 shadow-sm" : "text-slate-700 hover:text-slate-900",
              )}
            >
              {tf.statuses[key]} <CountBadge value={counts.statuses[key]} />
            </button>
          ))}
        </div>
      </div>

      <div className="flex flex-wrap gap-x-5 gap-y-2">
        {sellers && sellers.length > 1 && (
          <Group label={tf.sellers}>
            {sellers.map((seller) => {
              const pressed = listValues(state.sellers).includes(seller.id);
              return (
                <Chip key={seller.id} pressed={pressed} onClick={() => onChange({ sellers: toggleListValue(state.sellers, seller.id) })}>
                  {seller.name}
                </Chip>
              );
            })}
          </Group>
        )}
        <Group label={tf.channels}>
          {catalog.channels.map((channel) => {
            const pressed = listValues(state.channels).includes(channel.id);
            return (
              <Chip key={channel.id} pressed={pressed} onClick={() => onChange({ channels: toggleListValue(state.channels, channel.id) })}>
                {channel.name} <CountBadge value={counts.channels[channel.id]} pressed={pressed} />
              </Chip>
            );
          })}
        </Group>
        <Group label={tf.marketplaces}>
          {catalog.marketplaces.map((marketplace) => {
            const pressed = listValues(state.marketplaces).includes(marketplace.id);
            return (
              <Chip
                key={marketplace.id}
                pressed={pressed}
                onClick={() => onChange({ marketplaces: toggleListValue(state.marketplaces, marketplace.id) })}
              >
                {marketplace.name}
              </Chip>
            );
          })}
        </Group>
        <Group label={tf.ratings}>
          {RATINGS.map((rating) => {
            const pressed = listValues(state.ratings).includes(rating);
            return (
              <Chip
                key={rating}
                pressed={pressed}
                onClick={() => onChange({ ratings: toggleListValue(state.ratings, rating) })}
                testId={`rating-${rating}`}
              >
                {tf.ratingStars.replace("{n}", rating)}
              </Chip>
            );
          })}
        </Group>
        <Group label={t.teamWork.filter}>
          {(["me", "none"] as const).map((assignee) => {
            const pressed = state.assignee === assignee;
            return (
              <Chip
                key={assignee}
                pressed={pressed}
                onClick={() => onChange({ assignee: pressed ? undefined : assignee })}
                testId={`assignee-${assignee}`}
              >
                {assignee === "me" ? t.teamWork.assignedToMe : t.teamWork.noAssignee}{" "}
                <CountBadge value={counts.assignee?.[assignee]} pressed={pressed} />
              </Chip>
            );
          })}
        </Group>
        <label className="flex items-center gap-2 text-xs font-medium text-slate-600">
          {tf.readState}
          <select
            value={state.unread ?? ""}
            onChange={(event) => onChange({ unread: event.target.value || undefined })}
            className={cn(inputClass, "min-h-9 w-auto py-1")}
          >
            <option value="">{tf.anyRead}</option>
            <option value="true">{tf.unreadOnly}</option>
            <option value="false">{tf.readOnly}</option>
          </select>
        </label>
      </div>

      <details ref={detailsRef} open={moreActive || undefined} className="rounded-lg border border-slate-200 bg-white">
        <summary className="cursor-pointer rounded-lg px-3 py-2 text-sm text-slate-700 focus-visible:outline-2 focus-visible:outline-brand-600">
          {tf.product}, {tf.from.toLowerCase()} / {tf.to.toLowerCase()}
        </summary>
        <form
          onSubmit={onMore}
          className="grid gap-3 px-3 pb-3 sm:grid-cols-[2fr_1fr_1fr_auto] sm:items-end"
          key={`${state.product}|${state.from}|${state.to}`}
        >
          <label className="block text-xs font-medium text-slate-600">
            {tf.product}
            <input
              name="product"
              defaultValue={state.product ?? ""}
              placeholder={tf.productPlaceholder}
              className={cn(inputClass, "mt-1")}
            />
          </label>
          <label className="block text-xs font-medium text-slate-600">
            {tf.from}
            <input name="from" type="date" defaultValue={state.from ?? ""} className={cn(inputClass, "mt-1")} />
          </label>
          <label className="block text-xs font-medium text-slate-600">
            {tf.to}
            <input name="to" type="date" defaultValue={state.to ?? ""} className={cn(inputClass, "mt-1")} />
          </label>
          <button type="submit" className={buttonClass("secondary")}>
            {tf.apply}
          </button>
        </form>
      </details>
    </div>
  );
}
