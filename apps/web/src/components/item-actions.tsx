"use client";
// The read toggle and the retry of failed replies: tRPC mutations over /api/trpc, then the item
// view's queries and the server-rendered list are refreshed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { serverErrorMessage } from "~/components/server-error";
import { useMessages } from "~/i18n/client";
import type { Messages } from "~/i18n/messages";
import { useTRPC } from "~/trpc/client";
import { Button, Spinner } from "./ui";

/** After a change: the item view re-reads its queries, server-rendered pages re-render. */
export function useRefreshInbox() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  return () => {
    void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
    router.refresh();
  };
}

export function ReadToggle({ sellerId, itemId, read, t }: { sellerId: string; itemId: string; read: boolean; t: Messages["item"] }) {
  const trpc = useTRPC();
  const refresh = useRefreshInbox();
  const { t: messages } = useMessages();
  const markRead = useMutation(trpc.inbox.markRead.mutationOptions({ onSuccess: refresh }));
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button
        type="button"
        variant="secondary"
        disabled={markRead.isPending}
        onClick={() => markRead.mutate({ sellerId, itemId, read: !read })}
      >
        {read ? t.markUnread : t.markRead}
      </Button>
      {markRead.error && (
        <span role="alert" className="text-xs text-rose-700">
          {serverErrorMessage(markRead.error, messages)}
        </span>
      )}
    </div>
  );
}

/** Sends a FAILED reply again (agents and owners). */
export function RetryReplyButton({ sellerId, replyId, t }: { sellerId: string; replyId: string; t: Messages["item"] }) {
  const trpc = useTRPC();
  const refresh = useRefreshInbox();
  const { t: messages } = useMessages();
  const retry = useMutation(trpc.inbox.retryReply.mutationOptions({ onSuccess: refresh }));
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button type="button" variant="secondary" disabled={retry.isPending} onClick={() => retry.mutate({ sellerId, replyId })}>
        {retry.isPending && <Spinner />}
        {retry.isPending ? t.retrying : t.retry}
      </Button>
      {retry.error && (
        <span role="alert" className="text-xs text-rose-700">
          {serverErrorMessage(retry.error, messages)}
        </span>
      )}
    </div>
  );
}
