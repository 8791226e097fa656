"use client";
// One review, question or chat thread with its replies and actions. A client component taking only
// the seller and item ids, so the item page and the inbox's split view mount the same view.
import { useQuery } from "@tanstack/react-query";
import { Attachments } from "~/components/attachments";
import { formatDateTime } from "~/components/format";
import { ItemActions, RetryReplyButton } from "~/components/item-actions";
import { ChannelBadge, MarketplaceBadge, ReplyStatusBadge } from "~/components/labels";
import { Badge, Card, cn, Spinner, Stars } from "~/components/ui";
import { useMessages } from "~/i18n/client";
import { useTRPC } from "~/trpc/client";

const DELIVERY_POLL_MS = 2_000;

export function ItemView({ sellerId, itemId }: { sellerId: string; itemId: string }) {
  const trpc = useTRPC();
  const { t, locale } = useMessages();
  const sellers = useQuery(trpc.seller.list.queryOptions());
  const itemQuery = useQuery({
    ...trpc.inbox.get.queryOptions({ sellerId, itemId }),
    // While a reply is on its way, poll so it turns SENT on its own.
    refetchInterval: (query) =>
      query.state.data?.replies.some((reply) => reply.status === "PENDING" || reply.status === "SENDING") ? DELIVERY_POLL_MS : false,
  });
  const item = itemQuery.data;
  if (itemQuery.isError) {
    return (
      <Card className="p-5" role="alert">
        <p className="text-sm text-rose-700">{itemQuery.error.data?.code === "NOT_FOUND" ? t.notFound.text : t.error.generic}</p>
      </Card>
    );
  }
  if (!item) {
    return (
      <Card className="flex items-center gap-2 p-5 text-sm text-slate-500" aria-busy="true">
        <Spinner className="h-4 w-4" />
      </Card>
    );
  }
  const role = sellers.data?.find((seller) => seller.id === sellerId)?.role ?? "VIEWER";
  const delivering = item.replies.some((reply) => reply.status === "PENDING" || reply.status === "SENDING");

  return (
    <div className="space-y-4" data-testid="item-view">
      <Card className="p-5">
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-500">
          <MarketplaceBadge marketplace={item.marketplace} t={t} />
          <ChannelBadge channel={item.channel} t={t} />
          <span>{item.account.displayName}</span>
          <span className="ml-auto">{formatDateTime(item.upstreamCreatedAt, locale)}</span>
        </div>
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <span className="font-medium">{item.authorName ?? t.item.buyer}</span>
          {item.rating !== null && <Stars rating={item.rating} />}
          {item.answered ? <Badge tone="green">{t.item.answered}</Badge> : <Badge tone="amber">{t.item.notAnswered}</Badge>}
          <Badge tone={item.read ? "neutral" : "blue"} className="read-state">
            {item.read ? t.item.read : t.item.unread}
          </Badge>
        </div>
        {(item.product.name || item.product.url) && (
          <p className="mt-2 text-sm text-slate-600" data-testid="product">
            {t.item.product}:{" "}
            {item.product.url ? (
              <a
                href={item.product.url}
                target="_blank"
                rel="noopener noreferrer"
                className="text-brand-600 underline hover:text-brand-700"
              >
                {item.product.name ?? t.item.openProduct}
              </a>
            ) : (
              item.product.name
            )}
            {item.product.article && (
              <span className="text-slate-400">
                {" "}
                · {t.item.article} {item.product.article}
              </span>
            )}
          </p>
        )}

        {item.channel === "chat" ? (
          <ol className="mt-4 space-y-2" data-testid="chat-thread">
            {item.messages.map((message) => (
              <li key={message.id} className={cn("flex", message.direction === "out" ? "justify-end" : "justify-start")}>
                <div
                  className={cn(
                    "max-w-[80%] rounded-2xl px-4 py-2 text-sm",
                    message.direction === "out" ? "bg-brand-600 text-white" : "bg-slate-100",
                  )}
                >
                  <p className="whitespace-pre-wrap">{message.text}</p>
                  <Attachments
                    attachments={message.attachments}
                    sellerId={sellerId}
                    itemId={item.id}
                    t={t.item}
                    inverted={message.direction === "out"}
                  />
                  <p className={cn("mt-1 text-xs", message.direction === "out" ? "text-white/70" : "text-slate-500")}>
                    {message.direction === "out" ? t.item.seller : (message.authorName ?? t.item.buyer)} ·{" "}
                    {formatDateTime(message.sentAt, locale)}
                  </p>
                </div>
              </li>
            ))}
          </ol>
        ) : (
          <div className="mt-4 space-y-3 text-sm">
            <p className="whitespace-pre-wrap text-base">{item.text}</p>
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
            <Attachments attachments={item.attachments} sellerId={sellerId} itemId={item.id} t={t.item} />
            {item.answerText && (
              <div className="rounded-lg border-l-4 border-emerald-400 bg-emerald-50 px-4 py-3">
                <p className="text-xs font-medium uppercase tracking-wide text-emerald-700">{t.item.answer}</p>
                <p className="mt-1 whitespace-pre-wrap">{item.answerText}</p>
              </div>
            )}
          </div>
        )}
      </Card>

      {item.replies.length > 0 && (
        <Card className="p-5">
          <h2 className="text-sm font-medium text-slate-700">{t.item.replies}</h2>
          <ul className="mt-3 space-y-3" data-testid="replies">
            {item.replies.map((reply) => (
              <li key={reply.id} className="rounded-lg bg-slate-50 px-4 py-3 text-sm">
                <div className="flex items-center gap-2 text-xs text-slate-500">
                  <ReplyStatusBadge status={reply.status} t={t} />
                  <span>{reply.author?.name}</span>
                  <span className="ml-auto">{formatDateTime(reply.createdAt, locale)}</span>
                </div>
                <p className="mt-2 whitespace-pre-wrap">{reply.text}</p>
                {reply.status === "FAILED" ? (
                  <div className="mt-2 space-y-2 rounded-md border border-rose-200 bg-rose-50 px-3 py-2" data-testid="reply-failure">
                    {reply.error && <p className="text-xs text-rose-800">{reply.error}</p>}
                    <p className="text-xs text-rose-700">{t.item.failedHint}</p>
                    {role !== "VIEWER" && <RetryReplyButton sellerId={sellerId} replyId={reply.id} t={t.item} />}
                  </div>
                ) : (
                  reply.error && <p className="mt-1 text-xs text-slate-500">{reply.error}</p>
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

      <ItemActions sellerId={sellerId} itemId={item.id} read={item.read} canAct={role !== "VIEWER"} t={t.item} />
    </div>
  );
}
