"use client";
// Reply form, read toggle and retry of failed replies: tRPC mutations over /api/trpc, then the item
// view's queries and the server-rendered list are refreshed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { Messages } from "~/i18n/messages";
import { useTRPC } from "~/trpc/client";
import { Button, Card, Spinner } from "./ui";

function newKey() {
  return crypto.randomUUID();
}

/** After a change: the item view re-reads its queries, server-rendered pages re-render. */
function useRefreshInbox() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  return () => {
    void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
    router.refresh();
  };
}

export function ItemActions({
  sellerId,
  itemId,
  read,
  canAct,
  t,
}: {
  sellerId: string;
  itemId: string;
  read: boolean;
  canAct: boolean;
  t: Messages["item"];
}) {
  const trpc = useTRPC();
  const refresh = useRefreshInbox();
  const [text, setText] = useState("");
  // One key per draft: a retried or double-submitted send never queues a second reply.
  const [idempotencyKey, setIdempotencyKey] = useState(newKey);

  const reply = useMutation(
    trpc.inbox.reply.mutationOptions({
      onSuccess: () => {
        setText("");
        setIdempotencyKey(newKey());
        refresh();
      },
    }),
  );
  const markRead = useMutation(trpc.inbox.markRead.mutationOptions({ onSuccess: refresh }));

  if (!canAct) return <p className="text-sm text-slate-500">{t.viewerOnly}</p>;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    reply.mutate({ sellerId, itemId, text, idempotencyKey });
  }

  const fieldError = reply.error?.data?.zodError?.fieldErrors.text?.[0];
  return (
    <Card className="p-5">
      <form onSubmit={onSubmit} className="space-y-3">
        <label htmlFor="reply-text" className="block text-sm font-medium text-slate-700">
          {t.reply}
        </label>
        <textarea
          id="reply-text"
          name="text"
          rows={4}
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder={t.replyPlaceholder}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600"
        />
        {reply.error && (
          <p role="alert" className="text-sm text-rose-700">
            {fieldError ?? reply.error.message}
          </p>
        )}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={reply.isPending || text.trim().length === 0}>
            {reply.isPending ? t.sending : t.reply}
          </Button>
          <Button
            type="button"
            variant="secondary"
            disabled={markRead.isPending}
            onClick={() => markRead.mutate({ sellerId, itemId, read: !read })}
          >
            {read ? t.markUnread : t.markRead}
          </Button>
          <span className="ml-auto text-xs text-slate-400">
            {text.trim().length} {t.characters}
          </span>
        </div>
      </form>
    </Card>
  );
}

/** Sends a FAILED reply again (agents and owners). */
export function RetryReplyButton({ sellerId, replyId, t }: { sellerId: string; replyId: string; t: Messages["item"] }) {
  const trpc = useTRPC();
  const refresh = useRefreshInbox();
  const retry = useMutation(trpc.inbox.retryReply.mutationOptions({ onSuccess: refresh }));
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button type="button" variant="secondary" disabled={retry.isPending} onClick={() => retry.mutate({ sellerId, replyId })}>
        {retry.isPending && <Spinner />}
        {retry.isPending ? t.retrying : t.retry}
      </Button>
      {retry.error && (
        <span role="alert" className="text-xs text-rose-700">
          {retry.error.message}
        </span>
      )}
    </div>
  );
}
