"use client";
// One review, question or chat thread with its replies, the composer and the read toggle. A client
// component taking only the seller and item ids, so the item page and the inbox's split view mount
// the same view. Opening an unread item marks it read (the API tells the marketplace in the
// background where it can). Changes from elsewhere (a reply delivered by a worker, a new chat message)
// come over the live stream (components/inbox/live-updates.tsx).
import type { RouterOutputs } from "@inbox/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Attachments } from "~/components/attachments";
import { formatDateTime } from "~/components/format";
import { ReadToggle, RetryReplyButton } from "~/components/item-actions";
import { ChannelBadge, MarketplaceBadge, ReplyStatusBadge } from "~/components/labels";
import { fill, serverErrorMessage } from "~/components/server-error";
import { Badge, Button, Card, cn, Spinner, Stars } from "~/components/ui";
import { useMessages } from "~/i18n/client";
import { useTRPC } from "~/trpc/client";
import { useLiveEvents } from "../inbox/live-updates";
import { AssigneeControl, ItemHistory, ItemNotes } from "./item-team";
import { ReplyComposer } from "./reply-composer";

type Item = RouterOutputs["inbox"]["get"];
type Message = Item["messages"][number];

export function ItemView({ sellerId, itemId }: { sellerId: string; itemId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t, locale } = useMessages();
  const sellers = useQuery(trpc.seller.list.queryOptions());
  const itemQuery = useQuery(trpc.inbox.get.queryOptions({ sellerId, itemId }));
  // Reply states (queued → sent or failed), new chat messages and read marks arrive on the live
  // stream: the item is read again when it changed, or when the stream (re)started without a replay.
  useLiveEvents((event) => {
    const touched =
      event.kind === "changes" ? event.changes.some((change) => change.itemId === itemId) : !(event.kind === "ready" && event.resumed);
    if (touched) void queryClient.invalidateQueries({ queryKey: trpc.inbox.get.queryKey({ sellerId, itemId }) });
  });
  const item = itemQuery.data;
  const role = sellers.data?.find((seller) => seller.id === sellerId)?.role;
  const canAct = role === "OWNER" || role === "AGENT";

  // Opening an unread item marks it read, once per item (marking it unread again is left alone).
  const markedOnOpen = useRef<string | null>(null);
  const markRead = useMutation(
    trpc.inbox.markRead.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() }) }),
  );
  const { mutate: markReadMutate } = markRead;
  // The history follows the item: a read mark, a reply or its delivery shows up there too. (The query
  // keeps the same data object until something changed, so this runs only on a change.)
  useEffect(() => {
    if (item) void queryClient.invalidateQueries({ queryKey: trpc.item.history.queryKey({ sellerId, itemId: item.id }) });
  }, [item, queryClient, trpc, sellerId]);
  useEffect(() => {
    if (!item || !canAct || markedOnOpen.current === item.id) return;
    markedOnOpen.current = item.id;
    if (!item.read) markReadMutate({ sellerId, itemId: item.id, read: true });
  }, [item, canAct, sellerId, markReadMutate]);

  if (itemQuery.isError) {
    return (
      <Card className="p-5" role="alert">
        <p className="text-sm text-rose-700">{serverErrorMessage(itemQuery.error, t)}</p>
        <Button type="button" variant="secondary" className="mt-3" onClick={() => void itemQuery.refetch()}>
          {t.item.retry}
        </Button>
      </Card>
    );
  }
  if (!item) {
    return (
      <Card className="flex items-center gap-2 p-5 text-sm text-slate-500" aria-busy="true">
        <Spinner className="h-4 w-4" />
        {t.composer.loading}
      </Card>
    );
  }
  const delivering = item.replies.some((reply) => reply.status === "PENDING" || reply.status === "SENDING");

  return (
    <div className="min-w-0 space-y-4" data-testid="item-view" data-item-id={item.id}>
      <Card className="p-4 sm:p-5">
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-500">
          <MarketplaceBadge marketplace={item.marketplace} t={t} />
          <ChannelBadge channel={item.channel} t={t} />
          <span>{item.account.displayName}</span>
          <span className="ml-auto">{formatDateTime(item.upstreamCreatedAt, locale)}</span>
        </div>
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <span className="font-medium" data-testid="author">
            {item.authorName ?? t.item.buyer}
          </span>
          {item.rating !== null && <Stars rating={item.rating} />}
          {item.answered ? <Badge tone="green">{t.item.answered}</Badge> : <Badge tone="amber">{t.item.notAnswered}</Badge>}
          <Badge tone={item.read ? "neutral" : "blue"} className="read-state">
            {item.read ? t.item.read : t.item.unread}
          </Badge>
          {item.orderStatus && (
            <Badge tone={item.orderStatus === "bought" ? "neutral" : "amber"} className="order-status">
              {t.composer.orderStatus}: {t.composer.orderStatuses[item.orderStatus]}
            </Badge>
          )}
        </div>
        <div className="mt-3">
          <AssigneeControl sellerId={sellerId} itemId={item.id} assignee={item.assignee} canAct={canAct} />
        </div>
        <ProductCard product={item.product} />

        {item.channel === "chat" ? (
          <ChatThread sellerId={sellerId} item={item} />
        ) : (
          <div className="mt-4 space-y-3 text-sm">
            <p className="whitespace-pre-wrap break-words text-base">{item.text}</p>
            {item.pros && (
              <p>
                <span className="font-medium">{t.item.pros}:</span> {item.pros}
              </p>
            )}
            {item.cons && (
              <p>
                <span className="font-medium">{t.item.cons}:</span> {item.cons}
              </p>
            )}
            <ItemMedia sellerId={sellerId} item={item} />
            {item.answerText && (
              <div className="rounded-lg border-l-4 border-emerald-400 bg-emerald-50 px-4 py-3" data-testid="answer">
                <p className="text-xs font-medium uppercase tracking-wide text-emerald-700">{t.item.answer}</p>
                <p className="mt-1 whitespace-pre-wrap break-words">{item.answerText}</p>
                {item.answeredBy && (
                  <p className="mt-1 text-xs text-emerald-800" data-testid="answered-by">
                    {t.item.answeredBy.replace("{name}", item.answeredBy)}
                  </p>
                )}
              </div>
            )}
          </div>
        )}
      </Card>

      {item.replies.length > 0 && (
        <Card className="p-4 sm:p-5">
          <h2 className="text-sm font-medium text-slate-700">{t.item.replies}</h2>
          <ul className="mt-3 space-y-3" data-testid="replies">
            {item.replies.map((reply) => (
              <li key={reply.id} className="rounded-lg bg-slate-50 px-4 py-3 text-sm">
                <div className="flex items-center gap-2 text-xs text-slate-500">
                  <ReplyStatusBadge status={reply.status} t={t} />
                  <span data-testid="reply-author">{reply.author?.name}</span>
                  {reply.kind === "EDIT" && <Badge tone="neutral">{t.item.editKind}</Badge>}
                  {reply.automationRule && (
                    <span data-testid="automatic-reply">
                      <Badge tone="violet">{fill(t.automation.automaticReply, { rule: reply.automationRule.name })}</Badge>
                    </span>
                  )}
                  <span className="ml-auto">{formatDateTime(reply.createdAt, locale)}</span>
                </div>
                <p className="mt-2 whitespace-pre-wrap break-words">{reply.text}</p>
                {reply.status === "FAILED" && (
                  <div className="mt-2 space-y-2 rounded-md border border-rose-200 bg-rose-50 px-3 py-2" data-testid="reply-failure">
                    <p className="text-xs text-rose-700">{t.item.failedHint}</p>
                    {canAct && <RetryReplyButton sellerId={sellerId} replyId={reply.id} t={t.item} />}
                  </div>
                )}
              </li>
            ))}
          </ul>
          {delivering && (
            <p className="mt-3 flex items-center gap-2 text-xs text-slate-500" aria-live="polite">
              <Spinner className="h-3 w-3" />
              {t.item.delivering}
            </p>
          )}
        </Card>
      )}

      {!canAct ? (
        <p className="text-sm text-slate-500">{t.item.viewerOnly}</p>
      ) : (
        <>
          {item.composer.open ? (
            // A new composer when the answer becomes one to edit: it starts from the answer, not from
            // the text just sent.
            <ReplyComposer key={`${item.id}:${item.composer.kind}`} sellerId={sellerId} item={item} />
          ) : (
            <Card className="p-4 text-sm text-slate-600" data-testid="composer-closed">
              {
                {
                  answered: t.composer.closedAnswered,
                  edit_closed: t.composer.closedEditClosed,
                  reply_on_its_way: t.composer.closedOnItsWay,
                  replies_not_supported: t.composer.closedUnsupported,
                }[item.composer.why]
              }
            </Card>
          )}
          <ReadToggle sellerId={sellerId} itemId={item.id} read={item.read} t={t.item} />
        </>
      )}
      <ItemNotes sellerId={sellerId} itemId={item.id} canAct={canAct} />
      <ItemHistory sellerId={sellerId} itemId={item.id} />
    </div>
  );
}

/**
 * The review's photos and videos. When the sync stored only their counts (Ozon), the first open asks
 * the server to fetch them (inbox.media, once; later opens read the stored ones); if that fails the
 * text still shows, with a way to try again.
 */
function ItemMedia({ sellerId, item }: { sellerId: string; item: Item }) {
  const trpc = useTRPC();
  const { t } = useMessages();
  const media = useQuery({
    ...trpc.inbox.media.queryOptions({ sellerId, itemId: item.id }),
    enabled: item.mediaPending,
    staleTime: Infinity,
    // A failure is shown with its own retry button; no silent repeats against the marketplace.
    retry: false,
  });
  if (!item.mediaPending) return <Attachments attachments={item.attachments} sellerId={sellerId} itemId={item.id} t={t.item} />;
  if (media.isPending || media.isFetching) {
    return (
      <p className="flex items-center gap-2 text-slate-500" aria-busy="true" data-testid="media-loading">
        <Spinner className="h-4 w-4" />
        {t.item.mediaLoading}
      </p>
    );
  }
  const attachments = media.data?.attachments ?? item.attachments;
  const failed = media.isError || media.data?.failed;
  return (
    <>
      <Attachments attachments={attachments} sellerId={sellerId} itemId={item.id} t={t.item} />
      {failed && (
        <div
          className="flex flex-wrap items-center gap-3 rounded-lg bg-amber-50 px-3 py-2 text-amber-900"
          role="alert"
          data-testid="media-failed"
        >
          <span>{t.item.mediaFailed}</span>
          <Button type="button" variant="secondary" onClick={() => void media.refetch()}>
            {t.item.retry}
          </Button>
        </div>
      )}
    </>
  );
}

function ProductCard({ product }: { product: Item["product"] }) {
  const { t } = useMessages();
  if (!product.name && !product.url && !product.article && !product.externalId) return null;
  // Without a name (Yandex Market reviews give only the seller's offer id) the article names the
  // product, and an id the card already shows is not repeated below.
  const title = product.name ?? (product.url ? t.item.openProduct : (product.article ?? product.externalId));
  const article = product.article !== title ? product.article : null;
  const externalId = product.externalId !== title && product.externalId !== product.article ? product.externalId : null;
  return (
    <div className="mt-3 rounded-lg border border-slate-200 px-3 py-2 text-sm" data-testid="product">
      <p className="font-medium text-slate-800">
        {t.item.product}:{" "}
        {product.url ? (
          <a href={product.url} target="_blank" rel="noopener noreferrer" className="text-brand-600 underline hover:text-brand-700">
            {title}
          </a>
        ) : (
          title
        )}
      </p>
      {(article || externalId) && (
        <p className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-slate-500">
          {article && (
            <span>
              {t.item.article}: {article}
            </span>
          )}
          {externalId && (
            <span>
              {t.composer.marketplaceId}: {externalId}
            </span>
          )}
        </p>
      )}
    </div>
  );
}

/** The thread in time order; older pages load above on demand (inbox.messages). */
function ChatThread({ sellerId, item }: { sellerId: string; item: Item }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t, locale } = useMessages();
  const [older, setOlder] = useState<{ messages: Message[]; cursor: string | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const cursor = older ? older.cursor : item.olderMessagesCursor;
  const latestIds = new Set(item.messages.map((message) => message.id));
  const messages = [...(older?.messages.filter((message) => !latestIds.has(message.id)) ?? []), ...item.messages];

  async function loadOlder() {
    if (!cursor) return;
    setLoading(true);
    setError(null);
    try {
      const page = await queryClient.fetchQuery(trpc.inbox.messages.queryOptions({ sellerId, itemId: item.id, before: cursor }));
      setOlder((previous) => ({ messages: [...page.messages, ...(previous?.messages ?? [])], cursor: page.olderCursor }));
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  }

  return (
    <div className="mt-4">
      {cursor && (
        <div className="mb-3 text-center">
          <Button type="button" variant="secondary" onClick={() => void loadOlder()} disabled={loading} data-testid="older-messages">
            {loading && <Spinner />}
            {loading ? t.composer.loadingOlder : t.composer.olderMessages}
          </Button>
          {error !== null && (
            <p role="alert" className="mt-2 text-xs text-rose-700">
              {serverErrorMessage(error, t)}
            </p>
          )}
        </div>
      )}
      <ol className="space-y-2" data-testid="chat-thread">
        {messages.map((message) => (
          <li
            key={message.id}
            className={cn(
              "flex",
              message.direction === "out" ? "justify-end" : message.direction === "notice" ? "justify-center" : "justify-start",
            )}
            data-direction={message.direction}
          >
            <div
              className={cn(
                "max-w-[85%] rounded-2xl px-4 py-2 text-sm",
                // The marketplace's own notices sit between the two sides, outlined rather than filled.
                message.direction === "out"
                  ? "bg-brand-600 text-white"
                  : message.direction === "notice"
                    ? "border border-dashed border-slate-300 bg-white"
                    : "bg-slate-100",
              )}
            >
              <p className="whitespace-pre-wrap break-words">{message.text}</p>
              <Attachments
                attachments={message.attachments}
                sellerId={sellerId}
                itemId={item.id}
                t={t.item}
                inverted={message.direction === "out"}
              />
              <p className={cn("mt-1 text-xs", message.direction === "out" ? "text-white/90" : "text-slate-600")}>
                {message.direction === "out" ? t.item.seller : (message.authorName ?? t.item.buyer)} ·{" "}
                {formatDateTime(message.sentAt, locale)}
              </p>
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
