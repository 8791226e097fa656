"use client";
// Bulk reply with a template: one template per seller in the selection, the items sent in small
// batches so progress shows, and a result per item. Each batch carries the dialog's request id, so a
// batch sent again (a retry, a double click) queues no second reply: the server derives each reply's
// idempotency key from it.
import type { InboxFilterInput } from "@inbox/api";
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useRef, useState } from "react";
import { fill, serverErrorMessage } from "~/components/server-error";
import { Badge, Button, Card, Spinner } from "~/components/ui";
import { useMessages } from "~/i18n/client";
import { useTRPC } from "~/trpc/client";

export interface ItemRef {
  sellerId: string;
  itemId: string;
}

export type BulkSelection = { itemRefs: ItemRef[] } | { filter: InboxFilterInput };

const BATCH_SIZE = 20;

type ItemResult = { itemId: string; sellerId: string; status: "queued" | "already_queued" | "skipped" | "failed"; reason?: string };

export function TemplateReplyDialog({ selection, onClose }: { selection: BulkSelection; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useMessages();
  // "All matching this filter" (or picked items) resolved to the items the user may reply to.
  const targets = useQuery(trpc.template.selectionTargets.queryOptions({ selection }, { staleTime: Infinity }));
  const itemRefs = useMemo(() => targets.data?.items ?? [], [targets.data]);
  const sellerIds = useMemo(() => [...new Set(itemRefs.map((ref) => ref.sellerId))], [itemRefs]);
  const sellers = useQuery(trpc.seller.list.queryOptions());
  const templates = useQueries({ queries: sellerIds.map((sellerId) => trpc.template.list.queryOptions({ sellerId })) });
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [results, setResults] = useState<ItemResult[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One id per dialog: a repeated send of the same batch is recognised by the server.
  const requestId = useRef(crypto.randomUUID()).current;
  const replyBulk = useMutation(trpc.template.replyBulk.mutationOptions());

  const sellerName = (sellerId: string) => sellers.data?.find((seller) => seller.id === sellerId)?.name ?? sellerId;
  const templateOf = (sellerId: string, index: number) => chosen[sellerId] ?? templates[index]?.data?.[0]?.id;
  const ready = sellerIds.length > 0 && sellerIds.every((sellerId, index) => templateOf(sellerId, index));
  const finished = !running && results.length > 0;

  async function send() {
    setRunning(true);
    setError(null);
    try {
      for (const [index, sellerId] of sellerIds.entries()) {
        const templateId = templateOf(sellerId, index);
        if (!templateId) continue;
        const refs = itemRefs.filter((ref) => ref.sellerId === sellerId);
        for (let start = 0; start < refs.length; start += BATCH_SIZE) {
          const batch = refs.slice(start, start + BATCH_SIZE);
          const response = await replyBulk.mutateAsync({ sellerId, templateId, requestId, selection: { itemRefs: batch } });
          setResults((previous) => [...previous.filter((r) => !batch.some((ref) => ref.itemId === r.itemId)), ...response.results]);
        }
      }
    } catch (caught) {
      setError(serverErrorMessage(caught, t));
    } finally {
      setRunning(false);
      void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
    }
  }

  const count = (status: ItemResult["status"]) => results.filter((r) => r.status === status).length;
  return (
    <div className="fixed inset-0 z-30 flex items-end justify-center bg-slate-900/40 p-2 sm:items-center" role="presentation">
      <Card
        role="dialog"
        aria-modal="true"
        aria-labelledby="bulk-reply-title"
        className="max-h-[90vh] w-full max-w-lg overflow-y-auto p-5"
        data-testid="template-reply-dialog"
      >
        <h2 id="bulk-reply-title" className="text-lg font-semibold">
          {t.bulkReply.title}
        </h2>
        {targets.isError ? (
          <p role="alert" className="mt-3 text-sm text-rose-700">
            {serverErrorMessage(targets.error, t)}
          </p>
        ) : targets.isPending ? (
          <Spinner className="mt-3 h-4 w-4" />
        ) : (
          <>
            <p className="mt-1 text-sm text-slate-500">{fill(t.bulkReply.selected, { n: itemRefs.length })}</p>
            <div className="mt-4 space-y-3">
              {sellerIds.map((sellerId, index) => {
                const list = templates[index]?.data;
                if (!list) return <Spinner key={sellerId} className="h-4 w-4" />;
                if (list.length === 0)
                  return (
                    <p key={sellerId} className="text-sm text-amber-800">
                      {fill(t.bulkReply.noTemplates, { seller: sellerName(sellerId) })}
                    </p>
                  );
                const label = sellerIds.length > 1 ? fill(t.bulkReply.templateFor, { seller: sellerName(sellerId) }) : t.bulkReply.template;
                return (
                  <label key={sellerId} className="block text-sm">
                    <span className="font-medium text-slate-700">{label}</span>
                    <select
                      className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
                      value={templateOf(sellerId, index)}
                      disabled={running || finished}
                      onChange={(event) => setChosen((previous) => ({ ...previous, [sellerId]: event.target.value }))}
                    >
                      {list.map((template) => (
                        <option key={template.id} value={template.id}>
                          {template.name}
                        </option>
                      ))}
                    </select>
                  </label>
                );
              })}
            </div>
          </>
        )}

        {(running || results.length > 0) && (
          <div className="mt-4" aria-live="polite">
            <progress className="w-full" max={itemRefs.length} value={results.length} />
            <p className="mt-1 text-sm text-slate-600" data-testid="bulk-progress">
              {running
                ? fill(t.bulkReply.sending, { done: results.length, total: itemRefs.length })
                : fill(t.bulkReply.done, { queued: count("queued") + count("already_queued"), skipped: count("skipped") })}
            </p>
            <ul className="mt-2 max-h-60 space-y-1 overflow-y-auto text-sm" data-testid="bulk-results">
              {results.map((result) => (
                <li key={`${result.sellerId}-${result.itemId}`} className="flex items-center gap-2" data-status={result.status}>
                  <Badge tone={result.status === "skipped" ? "amber" : "green"}>{t.bulkReply.status[result.status]}</Badge>
                  <span className="truncate text-slate-500">
                    {sellerIds.length > 1 && `${sellerName(result.sellerId)} · `}
                    {result.itemId}
                    {result.reason && ` — ${t.bulkReply.reasons[result.reason] ?? t.serverError[result.reason] ?? result.reason}`}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {error && (
          <p role="alert" className="mt-3 text-sm text-rose-700">
            {error}
          </p>
        )}

        <div className="mt-5 flex flex-wrap justify-end gap-3">
          <Button type="button" variant="secondary" onClick={onClose} disabled={running}>
            {t.bulkReply.close}
          </Button>
          {!finished && itemRefs.length > 0 && (
            <Button type="button" onClick={() => void send()} disabled={!ready || running}>
              {running && <Spinner />}
              {fill(t.bulkReply.send, { n: itemRefs.length })}
            </Button>
          )}
        </div>
      </Card>
    </div>
  );
}
