"use client";
// Actions on several items at once: the selected rows, or every item matching the filter. Shows
// progress while it works and then a result per item (what failed, and why).
import { useState } from "react";
import type { Messages } from "~/i18n/messages";
import { type InboxUrlState } from "~/lib/inbox-url";
import { useTRPCClient } from "~/trpc/client";
import { Button, Card, Spinner } from "../ui";
import type { InboxRow, InboxScope } from "./inbox-data";

export type BulkSelection = { kind: "items"; rows: InboxRow[] } | { kind: "filter"; count: number };

interface BulkResult {
  total: number;
  succeeded: number;
  failures: Array<{ key: string; text: string; reason: string }>;
}

const format = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));

export function BulkBar({
  selection,
  pageRows,
  matching,
  t,
  onSelectPage,
  onSelectAllMatching,
  onClear,
  onDone,
}: {
  selection: BulkSelection | null;
  pageRows: InboxRow[];
  matching: number | null;
  state: InboxUrlState;
  scope: InboxScope;
  t: Messages;
  onSelectPage: () => void;
  onSelectAllMatching: () => void;
  onClear: () => void;
  onDone: () => Promise<void>;
}) {
  const tb = t.triage.bulk;
  const client = useTRPCClient();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);

  async function setRead(read: boolean) {
    if (!selection || selection.kind !== "items") return;
    const rows = selection.rows;
    setResult(null);
    setProgress({ done: 0, total: rows.length });
    const failures: BulkResult["failures"] = [];
    let done = 0;
    // A few at a time: progress moves visibly and the server is not flooded.
    for (let start = 0; start < rows.length; start += 5) {
      await Promise.all(
        rows.slice(start, start + 5).map(async (row) => {
          try {
            await client.inbox.markRead.mutate({ sellerId: row.sellerId, itemId: row.id, read });
          } catch (error) {
            failures.push({ key: row.key, text: row.text.slice(0, 60), reason: error instanceof Error ? error.message : String(error) });
          }
          done += 1;
          setProgress({ done, total: rows.length });
        }),
      );
    }
    setProgress(null);
    setResult({ total: rows.length, succeeded: rows.length - failures.length, failures });
    onClear();
    await onDone();
  }

  if (!selection && !result && !progress) return null;
  const count = selection ? (selection.kind === "items" ? selection.rows.length : selection.count) : 0;

  return (
    <Card className="sticky top-16 z-[5] space-y-2 border-brand-600/40 bg-white/95 p-3 backdrop-blur" data-testid="bulk-bar">
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
            <Button
              type="button"
              variant="secondary"
              disabled={Boolean(progress) || selection.kind !== "items"}
              onClick={() => void setRead(true)}
            >
              {tb.markRead}
            </Button>
            <Button
              type="button"
              variant="secondary"
              disabled={Boolean(progress) || selection.kind !== "items"}
              onClick={() => void setRead(false)}
            >
              {tb.markUnread}
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
      {result && (
        <div role="status" className="text-sm" data-testid="bulk-result">
          <div className="flex flex-wrap items-center gap-3">
            <span className="font-medium text-emerald-700">{format(tb.done, { ok: result.succeeded, n: result.total })}</span>
            {result.failures.length > 0 && <span className="text-rose-700">{format(tb.failed, { n: result.failures.length })}</span>}
            <Button type="button" variant="ghost" className="ml-auto min-h-9" onClick={() => setResult(null)}>
              {tb.dismiss}
            </Button>
          </div>
          {result.failures.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-xs text-rose-700">
              {result.failures.map((failure) => (
                <li key={failure.key}>{format(tb.itemFailed, { text: failure.text, reason: failure.reason })}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  );
}
