"use client";
// The accounts of a seller, kept live: `account.list` is polled every 2 s while a sync runs (or was
// just asked for) and every 15 s otherwise, so progress and health change without a reload.
import type { RouterOutputs } from "@inbox/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Messages } from "~/i18n/messages";
import { useTRPC } from "~/trpc/client";
import { AddAccountForm, UpdateTokenForm, type MarketplaceInfo } from "./account-forms";
import { formatDuration } from "./duration";
import { formatDateTime } from "./format";
import { ChannelBadge, MarketplaceBadge } from "./labels";
import { Badge, Button, Card, cn, inputClass, Spinner, type BadgeTone } from "./ui";

type Account = RouterOutputs["account"]["list"][number];
type Run = Account["recentRuns"][number];

const FAST_POLL_MS = 2_000;
const SLOW_POLL_MS = 15_000;
/** After an action the worker may take a moment to pick the job up: poll fast meanwhile. */
const FAST_AFTER_ACTION_MS = 12_000;

const HEALTH_TONE: Record<Account["status"], BadgeTone> = {
  OK: "green",
  RATE_LIMITED: "amber",
  NEEDS_TOKEN: "red",
  SUBSCRIPTION_MISSING: "red",
  UNREACHABLE: "amber",
  PAUSED: "neutral",
};
const RUN_TONE: Record<Run["status"], BadgeTone> = { RUNNING: "blue", SUCCEEDED: "green", PARTIAL: "amber", FAILED: "red" };

function fill(template: string, values: Record<string, string | number>) {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));
}

/** Effective state: a paused account is shown as paused whatever its last health was. */
function healthOf(account: Account): Account["status"] {
  return account.paused ? "PAUSED" : account.status;
}

export function AccountsPanel({
  sellerId,
  marketplaces,
  initialAccounts,
  isOwner,
  allowCustomBaseUrl,
  locale,
  t,
}: {
  sellerId: string;
  /** catalog.marketplaces: what can be connected and which credentials each marketplace needs. */
  marketplaces: MarketplaceInfo[];
  initialAccounts: Account[];
  isOwner: boolean;
  allowCustomBaseUrl: boolean;
  locale: string;
  t: Messages;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [fastUntil, setFastUntil] = useState(0);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const pollInterval = (syncing: boolean) => (syncing || Date.now() < fastUntil ? FAST_POLL_MS : SLOW_POLL_MS);
  const { data: accounts } = useQuery({
    ...trpc.account.list.queryOptions({ sellerId }),
    initialData: initialAccounts,
    refetchInterval: (query) => pollInterval(Boolean(query.state.data?.some((account) => account.syncing))),
  });

  /** Reloads the accounts and their run histories, and polls fast for a while. */
  async function refresh() {
    setFastUntil(Date.now() + FAST_AFTER_ACTION_MS);
    await queryClient.invalidateQueries(trpc.account.pathFilter());
  }

  return (
    <div className="space-y-4">
      {notice && (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {notice}
        </p>
      )}
      {isOwner &&
        (adding ? (
          <AddAccountForm
            sellerId={sellerId}
            marketplaces={marketplaces}
            allowCustomBaseUrl={allowCustomBaseUrl}
            onCancel={() => setAdding(false)}
            onDone={() => {
              setAdding(false);
              setNotice(t.accounts.add.created);
              void refresh();
            }}
            t={t}
          />
        ) : (
          <div>
            <Button
              type="button"
              onClick={() => {
                setNotice(null);
                setAdding(true);
              }}
            >
              + {t.accounts.add.open}
            </Button>
          </div>
        ))}
      {!isOwner && <p className="text-sm text-slate-500">{t.accounts.ownerOnly}</p>}

      {accounts.length === 0 ? (
        <Card className="p-10 text-center text-slate-500">{isOwner ? t.accounts.empty : t.accounts.emptyViewer}</Card>
      ) : (
        <ul className="space-y-4" data-testid="accounts">
          {accounts.map((account) => (
            <li key={account.id}>
              <AccountCard
                sellerId={sellerId}
                account={account}
                marketplace={marketplaces.find((entry) => entry.id === account.marketplace)}
                isOwner={isOwner}
                pollInterval={pollInterval(account.syncing)}
                onChanged={refresh}
                locale={locale}
                t={t}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AccountCard({
  sellerId,
  account,
  marketplace,
  isOwner,
  pollInterval,
  onChanged,
  locale,
  t,
}: {
  sellerId: string;
  account: Account;
  /** Undefined when no connector is registered for the account's marketplace any more. */
  marketplace: MarketplaceInfo | undefined;
  isOwner: boolean;
  pollInterval: number;
  onChanged: () => Promise<void>;
  locale: string;
  t: Messages;
}) {
  const a = t.accounts;
  const health = healthOf(account);
  const rateLimitedUntil = account.rateLimitedUntil ? formatDateTime(account.rateLimitedUntil, locale) : null;
  // The classified reason says what happened and what to do; the health alone is the fallback.
  const reason = account.statusReason && health !== "PAUSED" ? account.statusReason : null;
  const advice = reason
    ? fill(t.syncHealth.advice[reason], { time: rateLimitedUntil ?? "—" })
    : health === "OK"
      ? null
      : fill(a.advice[health], { time: rateLimitedUntil ?? "—" });

  return (
    <Card
      className="p-5"
      data-testid="account"
      data-account-id={account.id}
      data-marketplace={account.marketplace}
      data-status={health}
      aria-label={account.displayName}
      role="region"
    >
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <MarketplaceBadge marketplace={account.marketplace} t={t} />
            <h2 className="truncate text-base font-semibold">{account.displayName}</h2>
          </div>
          <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-600">
            <div className="flex items-center gap-1.5">
              <dt className="text-slate-500">{a.channels}:</dt>
              <dd className="flex gap-1">
                {account.channels.map((channel) => (
                  <ChannelBadge key={channel} channel={channel} t={t} />
                ))}
              </dd>
            </div>
            <div className="flex gap-1.5">
              <dt className="text-slate-500">{a.lastSynced}:</dt>
              <dd data-testid="last-synced">{account.lastSyncedAt ? formatDateTime(account.lastSyncedAt, locale) : a.never}</dd>
            </div>
            <div className="flex gap-1.5">
              <dt className="text-slate-500">{a.interval}:</dt>
              <dd>{fill(a.everyMinutes, { n: account.syncIntervalMinutes })}</dd>
            </div>
          </dl>
        </div>
        <div className="flex flex-col items-end gap-1">
          <Badge tone={HEALTH_TONE[health]} className="account-health">
            {a.health[health]}
            {health === "RATE_LIMITED" && rateLimitedUntil && (
              <span className="ml-1 font-normal">{fill(a.until, { time: rateLimitedUntil })}</span>
            )}
          </Badge>
          {account.syncing && (
            <span className="inline-flex items-center gap-1.5 text-xs text-brand-700" data-testid="syncing">
              <Spinner className="h-3 w-3" />
              {a.syncing}
            </span>
          )}
        </div>
      </div>

      {account.syncing && <SyncProgress account={account} t={t} />}

      {advice && (
        <div
          className={cn(
            "mt-3 rounded-lg px-4 py-3 text-sm",
            health === "PAUSED"
              ? "bg-slate-50 text-slate-700"
              : health === "NEEDS_TOKEN" || health === "SUBSCRIPTION_MISSING"
                ? "bg-rose-50 text-rose-800"
                : "bg-amber-50 text-amber-900",
          )}
          data-testid="account-advice"
          data-reason={reason ?? undefined}
        >
          {reason && <p className="font-medium">{t.syncHealth.reason[reason]}</p>}
          <p>{advice}</p>
        </div>
      )}

      {isOwner && <OwnerActions sellerId={sellerId} account={account} marketplace={marketplace} onChanged={onChanged} t={a} />}

      <RunHistory sellerId={sellerId} account={account} pollInterval={pollInterval} locale={locale} t={t} />
    </Card>
  );
}

/**
 * The running sync: which channel of how many, and the pages and items stored so far (the run row is
 * updated in each page's transaction). Channels are synced one after another in the listed order.
 */
function SyncProgress({ account, t }: { account: Account; t: Messages }) {
  const run = account.recentRuns.find((candidate) => candidate.status === "RUNNING");
  const total = Math.max(account.channels.length, 1);
  const index = run ? Math.max(account.channels.indexOf(run.channel), 0) : 0;
  // A channel in progress counts as half done: the feed's length is not known before its last page.
  const done = run ? index + 0.5 : 0;
  const text = run
    ? fill(t.syncHealth.progress, {
        channel: t.channel[run.channel],
        index: index + 1,
        total,
        pages: run.pages,
        fetched: run.itemsFetched,
        changed: run.itemsChanged,
      })
    : t.syncHealth.starting;
  return (
    <div className="mt-3 space-y-1" data-testid="sync-progress" aria-live="polite">
      <div
        role="progressbar"
        aria-label={t.syncHealth.progressLabel}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={text}
        className="h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div className="h-full rounded-full bg-brand-600 transition-all" style={{ width: `${Math.round((done / total) * 100)}%` }} />
      </div>
      <p className="text-xs text-slate-600">{text}</p>
    </div>
  );
}

function todayIso() {
  return new Date().toISOString().slice(0, 10);
}

function OwnerActions({
  sellerId,
  account,
  marketplace,
  onChanged,
  t,
}: {
  sellerId: string;
  account: Account;
  marketplace: MarketplaceInfo | undefined;
  onChanged: () => Promise<void>;
  t: Messages["accounts"];
}) {
  const trpc = useTRPC();
  const [panel, setPanel] = useState<"none" | "resync" | "token" | "remove">(account.status === "NEEDS_TOKEN" ? "token" : "none");
  const [resyncDate, setResyncDate] = useState(() => new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10));
  const [notice, setNotice] = useState<string | null>(null);

  const done = (message: string | null) => async () => {
    setPanel("none");
    setNotice(message);
    await onChanged();
  };
  const syncNow = useMutation(trpc.account.syncNow.mutationOptions({ onSuccess: done(t.actions.syncQueued) }));
  const setPaused = useMutation(trpc.account.setPaused.mutationOptions({ onSuccess: done(null) }));
  const resync = useMutation(trpc.account.resyncFrom.mutationOptions({ onSuccess: done(t.actions.resyncQueued) }));
  const remove = useMutation(trpc.account.remove.mutationOptions({ onSuccess: done(null) }));
  const failure = [syncNow, setPaused, resync, remove].find((mutation) => mutation.error)?.error;
  const busy = syncNow.isPending || setPaused.isPending || resync.isPending || remove.isPending;
  const toggle = (next: typeof panel) => {
    setNotice(null);
    setPanel(panel === next ? "none" : next);
  };

  return (
    <div className="mt-4 space-y-3 border-t border-slate-100 pt-4">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          type="button"
          variant="secondary"
          disabled={busy || account.paused}
          onClick={() => syncNow.mutate({ sellerId, accountId: account.id })}
        >
          {syncNow.isPending && <Spinner />}
          {t.actions.syncNow}
        </Button>
        <Button
          type="button"
          variant="secondary"
          disabled={busy}
          onClick={() => setPaused.mutate({ sellerId, accountId: account.id, paused: !account.paused })}
        >
          {setPaused.isPending && <Spinner />}
          {account.paused ? t.actions.resume : t.actions.pause}
        </Button>
        <Button type="button" variant="ghost" aria-expanded={panel === "resync"} onClick={() => toggle("resync")}>
          {t.actions.resyncFrom}
        </Button>
        <Button type="button" variant="ghost" aria-expanded={panel === "token"} onClick={() => toggle("token")}>
          {t.actions.updateToken}
        </Button>
        <Button
          type="button"
          variant="ghost"
          className="ml-auto text-rose-700 hover:bg-rose-50 hover:text-rose-800"
          aria-expanded={panel === "remove"}
          onClick={() => toggle("remove")}
        >
          {t.actions.remove}
        </Button>
      </div>

      {notice && (
        <p role="status" className="text-sm text-emerald-700">
          {notice}
        </p>
      )}
      {failure && !busy && (
        <p role="alert" className="text-sm text-rose-700">
          {t.actionFailed}: {failure.message}
        </p>
      )}

      {panel === "resync" && (
        <form
          className="flex flex-wrap items-end gap-3 rounded-lg bg-slate-50 p-4"
          onSubmit={(event) => {
            event.preventDefault();
            resync.mutate({ sellerId, accountId: account.id, from: new Date(`${resyncDate}T00:00:00Z`) });
          }}
        >
          <label className="space-y-1 text-sm font-medium text-slate-700">
            <span className="block">{t.actions.resyncFrom}</span>
            <input
              type="date"
              required
              max={todayIso()}
              value={resyncDate}
              onChange={(event) => setResyncDate(event.target.value)}
              className={cn(inputClass, "w-auto")}
            />
          </label>
          <Button type="submit" disabled={resync.isPending}>
            {resync.isPending && <Spinner />}
            {t.actions.resyncSubmit}
          </Button>
        </form>
      )}

      {panel === "token" && marketplace && (
        <UpdateTokenForm
          sellerId={sellerId}
          accountId={account.id}
          marketplace={marketplace}
          onCancel={() => setPanel("none")}
          onDone={done(t.actions.tokenSaved)}
          t={t}
        />
      )}

      {panel === "remove" && (
        <div
          className="space-y-3 rounded-lg border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900"
          role="alertdialog"
          aria-label={t.actions.remove}
        >
          <p>{fill(t.actions.removeConfirm, { name: account.displayName })}</p>
          <div className="flex gap-2">
            <Button
              type="button"
              className="bg-rose-700 hover:bg-rose-800"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ sellerId, accountId: account.id })}
            >
              {remove.isPending && <Spinner />}
              {t.actions.removeYes}
            </Button>
            <Button type="button" variant="secondary" onClick={() => setPanel("none")}>
              {t.actions.cancel}
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}

function RunHistory({
  sellerId,
  account,
  pollInterval,
  locale,
  t,
}: {
  sellerId: string;
  account: Account;
  pollInterval: number;
  locale: string;
  t: Messages;
}) {
  const a = t.accounts;
  const trpc = useTRPC();
  const { data: runs = account.recentRuns } = useQuery({
    ...trpc.account.runs.queryOptions({ sellerId, accountId: account.id, limit: 9 }),
    placeholderData: account.recentRuns,
    refetchInterval: pollInterval,
  });

  return (
    <details className="group mt-4" open>
      <summary className="cursor-pointer select-none text-sm font-medium text-slate-700">{a.history}</summary>
      {runs.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">{a.noRuns}</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left text-xs" data-testid="sync-runs">
            <thead className="text-slate-500">
              <tr className="border-b border-slate-100">
                <th className="py-1.5 pr-3 font-medium">{a.col.channel}</th>
                <th className="py-1.5 pr-3 font-medium">{a.col.kind}</th>
                <th className="py-1.5 pr-3 font-medium">{a.col.status}</th>
                <th className="py-1.5 pr-3 font-medium">{a.col.started}</th>
                <th className="py-1.5 pr-3 font-medium">{a.col.duration}</th>
                <th className="py-1.5 pr-3 text-right font-medium">{a.col.counts}</th>
                <th className="py-1.5 font-medium">{a.col.error}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-50 text-slate-700">
              {runs.map((run) => (
                <tr key={run.id} data-testid="sync-run" data-run-id={run.id} data-status={run.status}>
                  <td className="py-1.5 pr-3">{t.channel[run.channel]}</td>
                  <td className="py-1.5 pr-3">{a.kind[run.kind as keyof typeof a.kind] ?? run.kind}</td>
                  <td className="py-1.5 pr-3">
                    <Badge tone={RUN_TONE[run.status]}>{a.runStatus[run.status]}</Badge>
                  </td>
                  <td className="whitespace-nowrap py-1.5 pr-3">{formatDateTime(run.startedAt, locale)}</td>
                  <td className="whitespace-nowrap py-1.5 pr-3" data-testid="run-duration" suppressHydrationWarning>
                    {run.finishedAt
                      ? formatDuration(run.finishedAt.getTime() - run.startedAt.getTime(), locale)
                      : fill(t.syncHealth.running, { time: formatDuration(Date.now() - run.startedAt.getTime(), locale) })}
                  </td>
                  <td className="whitespace-nowrap py-1.5 pr-3 text-right tabular-nums">
                    {run.itemsFetched} / {run.itemsChanged} / {run.requests}
                  </td>
                  <td className="max-w-xs py-1.5 text-rose-700" data-testid="run-error">
                    {run.errorReason && (
                      <span
                        className="line-clamp-2"
                        title={fill(t.syncHealth.advice[run.errorReason], {
                          time: run.retryAt ? formatDateTime(run.retryAt, locale) : "—",
                        })}
                      >
                        {t.syncHealth.reason[run.errorReason]}
                        {run.errorReason === "RATE_LIMITED" &&
                          run.retryAt &&
                          ` (${fill(a.until, { time: formatDateTime(run.retryAt, locale) })})`}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
