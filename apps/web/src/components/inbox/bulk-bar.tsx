"use client";
// Actions on several items at once: the selected rows, or every item matching the filter. Shows
// progress while it works and then a result per item (changed, already so, or not found).
import { useCallback, useState } from "react";
import type { Messages } from "~/i18n/messages";
import { useTRPCClient } from "~/trpc/client";
import { TemplateReplyDialog } from "../bulk/template-reply-dialog";
import { Button, Card, Spinner } from "../ui";
import type { InboxRow, selectionFilter } from "./inbox-data";

export type BulkSelection =
  { kind: "items"; rows: InboxRow[] } | { kind: "filter"; count: number; filter: ReturnType<typeof selectionFilter> };

/** What the bulk procedures take: picked items, or the filter that selects them. */
export function selectionInput(selection: BulkSelection) {
  return selection.kind === "items"
    ? { itemRefs: selection.rows.map((row) => ({ sellerId: row.sellerId, itemId: row.id })) }
    : { filter: selection.filter };
}

interface ItemResult {
  key: string;
  label: string;
  state: "changed" | "unchanged" | "failed" | "notMember";
}

const BATCH = 100;

const format = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));

export function BulkBar({
  selection,
  pageRows,
  matching,
  viewerId,
  t,
  onSelectPage,
  onSelectAllMatching,
  onClear,
  onDone,
  onHeightChange,
}: {
  selection: BulkSelection | null;
  pageRows: InboxRow[];
  matching: number | null;
  /** The signed-in user, for "assign to me". */
  viewerId: string;
  t: Messages;
  onSelectPage: () => void;
  onSelectAllMatching: () => void;
  onClear: () => void;
  onDone: () => Promise<void>;
  /** The bar's height in px while it is shown, 0 when it goes: what sticks below it keeps clear of it. */
  onHeightChange: (height: number) => void;
}) {
  const tb = t.triage.bulk;
  const observeHeight = useCallback(
    (bar: HTMLDivElement | null) => {
      if (!bar) return;
      const observer = new ResizeObserver(() => onHeightChange(bar.offsetHeight));
      observer.observe(bar);
      return () => {
        observer.disconnect();
        onHeightChange(0);
      };
    },
    [onHeightChange],
  );
  const client = useTRPCClient();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [results, setResults] = useState<ItemResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The template reply dialog works on the selection as it was when opened.
  const [templateReplyFor, setTemplateReplyFor] = useState<BulkSelection | null>(null);

  /** Runs `act` over the selection (picked items in batches, so progress moves) and lists the results. */
  async function run(
    act: (
      selection: ReturnType<typeof selectionInput>,
    ) => Promise<Array<{ sellerId: string; itemId: string; ok: boolean; changed: boolean; error: string | null }>>,
  ) {
    if (!selection) return;
    const labels = new Map(pageRows.map((row) => [row.key, row.text.slice(0, 60)]));
    // Picked items go in batches, so progress moves; a filter is resolved by the server in one go.
    const batches =
      selection.kind === "items"
        ? Array.from({ length: Math.ceil(selection.rows.length / BATCH) }, (_, index) => ({
            kind: "items" as const,
            rows: selection.rows.slice(index * BATCH, (index + 1) * BATCH),
          }))
        : [selection];
    const total = selection.kind === "items" ? selection.rows.length : selection.count;
    setResults(null);
    setError(null);
    setProgress({ done: 0, total });
    const collected: ItemResult[] = [];
    try {
      for (const batch of batches) {
        const answer = await act(selectionInput(batch));
        for (const result of answer) {
          const key = `${result.sellerId}.${result.itemId}`;
          collected.push({
            key,
            label: labels.get(key) ?? result.itemId,
            state: result.error === "assignee_not_member" ? "notMember" : !result.ok ? "failed" : result.changed ? "changed" : "unchanged",
          });
        }
        setProgress({ done: collected.length, total: Math.max(total, collected.length) });
      }
      onClear();
    } catch {
      setError(tb.error);
    } finally {
      setProgress(null);
      setResults(collected);
      await onDone();
    }
  }

  const setRead = (read: boolean) => run((batch) => client.inbox.setReadBulk.mutate({ selection: batch, read }));
  const assign = (assigneeId: string | null) => run((batch) => client.item.assignBulk.mutate({ selection: batch, assigneeId }));

  const templateDialog = templateReplyFor && (
    <TemplateReplyDialog
      selection={selectionInput(templateReplyFor)}
      onClose={() => {
        setTemplateReplyFor(null);
        onClear();
        void onDone();
      }}
    />
  );
  if (!selection && !results && !progress && !error) return templateDialog || null;
  const count = selection ? (selection.kind === "items" ? selection.rows.length : selection.count) : 0;
  const failed = results?.filter((result) => result.state === "failed" || result.state === "notMember") ?? [];

  return (
    <>
      {/* Outside the bar: its backdrop blur would otherwise contain the dialog's fixed overlay. */}
      <Card
        ref={observeHeight}
        className="sticky top-2 z-[5] space-y-2 border-brand-600/40 bg-white/95 p-3 backdrop-blur"
        data-testid="bulk-bar"
      >
        {selection && (
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="font-medium" aria-live="polite">
              {selection.kind === "filter" ? format(tb.allMatching, { n: count }) : format(tb.selected, { n: count })}
            </span>
            {selection.kind === "items" && selection.rows.length < pageRows.length && (
              <Button type="button" variant="ghost" onClick={onSelectPage} className="min-h-9">
                {tb.selectPage}
              </Button>
            )}
            {selection.kind === "items" && matching !== null && matching > selection.rows.length && (
              <Button type="button" variant="ghost" onClick={onSelectAllMatching} className="min-h-9" data-testid="select-all-matching">
                {format(tb.selectAllMatching, { n: matching })}
              </Button>
            )}
            <div className="flex flex-wrap gap-2 sm:ml-auto">
              <Button type="button" variant="secondary" disabled={Boolean(progress)} onClick={() => void setRead(true)}>
                {tb.markRead}
              </Button>
              <Button type="button" variant="secondary" disabled={Boolean(progress)} onClick={() => void setRead(false)}>
                {tb.markUnread}
              </Button>
              <Button
                type="button"
                variant="secondary"
                disabled={Boolean(progress)}
                onClick={() => void assign(viewerId)}
                data-testid="bulk-assign-me"
              >
                {t.teamWork.bulk.assignToMe}
              </Button>
              <Button
                type="button"
                variant="secondary"
                disabled={Boolean(progress)}
                onClick={() => void assign(null)}
                data-testid="bulk-unassign"
              >
                {t.teamWork.bulk.unassign}
              </Button>
              <Button type="button" variant="secondary" disabled={Boolean(progress)} onClick={() => setTemplateReplyFor(selection)}>
                {tb.replyTemplate}
              </Button>
              <Button type="button" variant="ghost" onClick={onClear}>
                {tb.clear}
              </Button>
            </div>
          </div>
        )}
        {progress && (
          <div className="space-y-1" role="status" data-testid="bulk-progress">
            <p className="flex items-center gap-2 text-sm text-slate-700">
              <Spinner /> {format(tb.working, { n: progress.total })}
            </p>
            <progress max={progress.total} value={progress.done} className="h-2 w-full accent-brand-600" aria-label={tb.results} />
          </div>
        )}
        {error && (
          <p role="alert" className="text-sm text-rose-700">
            {error}
          </p>
        )}
        {results && (
          <div role="status" className="text-sm" data-testid="bulk-result">
            <div className="flex flex-wrap items-center gap-3">
              <span className="font-medium text-emerald-700">
                {format(tb.done, { ok: results.length - failed.length, n: results.length })}
              </span>
              {failed.length > 0 && <span className="text-rose-700">{format(tb.failed, { n: failed.length })}</span>}
              <Button
                type="button"
                variant="ghost"
                className="ml-auto min-h-9"
                onClick={() => {
                  setResults(null);
                  setError(null);
                }}
              >
                {tb.dismiss}
              </Button>
            </div>
            <details className="mt-1">
              <summary className="cursor-pointer text-xs text-slate-600">{tb.results}</summary>
              <ul className="mt-1 max-h-48 space-y-0.5 overflow-y-auto text-xs" data-testid="bulk-items">
                {results.map((result) => (
                  <li
                    key={result.key}
                    className={result.state === "failed" || result.state === "notMember" ? "text-rose-700" : "text-slate-700"}
                  >
                    {result.label} — {result.state === "notMember" ? t.teamWork.bulk.notMember : tb.itemState[result.state]}
                  </li>
                ))}
              </ul>
            </details>
          </div>
        )}
      </Card>
      {templateDialog}
    </>
  );
}
