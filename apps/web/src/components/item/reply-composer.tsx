"use client";
// The reply composer: the marketplace's length limits with a live counter (send is disabled outside
// them), a server-side draft per item and user, template suggestions for the item's channel and
// rating, and a warning when the text repeats an answer the seller sent in the last 30 days. On an
// answered review or question whose marketplace allows it, it edits the answer (starting from it).
import type { RouterOutputs } from "@inbox/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { formatDateTime } from "~/components/format";
import { fill, serverErrorMessage } from "~/components/server-error";
import { Button, Card, cn, Spinner } from "~/components/ui";
import { useMessages } from "~/i18n/client";
import { useTRPC } from "~/trpc/client";

type Item = RouterOutputs["inbox"]["get"];

const DRAFT_SAVE_DELAY_MS = 400;
const REPETITION_CHECK_DELAY_MS = 600;

const foldSpaces = (text: string) => text.replace(/\s+/g, " ").trim();

function newKey() {
  return crypto.randomUUID();
}

/** The value after it has stopped changing for `delay` ms. */
function useSettled<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

export function ReplyComposer({ sellerId, item }: { sellerId: string; item: Item }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t, locale } = useMessages();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const catalog = useQuery(trpc.catalog.marketplaces.queryOptions());
  const draft = useQuery({ ...trpc.draft.get.queryOptions({ sellerId, itemId: item.id }), staleTime: Infinity });
  const suggestions = useQuery(trpc.template.suggest.queryOptions({ sellerId, itemId: item.id }));
  const editing = item.composer.open && item.composer.kind === "edit";
  // null until the user types: the draft from the server (or, for an edit, the answer) is shown until then.
  const [edited, setEdited] = useState<string | null>(null);
  const text = edited ?? draft.data?.text ?? (editing ? (item.answerText ?? "") : "");
  // One key per draft: a retried or double-submitted send never queues a second reply.
  const [idempotencyKey, setIdempotencyKey] = useState(newKey);
  const [queuedNotice, setQueuedNotice] = useState(false);

  const saveDraft = useMutation(trpc.draft.save.mutationOptions());
  const savedText = useRef<string | null>(null);
  // The draft write on its way, if any: sending waits for it (see onSubmit).
  const draftWrite = useRef<Promise<unknown> | null>(null);
  // While a send is on its way the text is the reply's, not a draft: a save started then (the save
  // delay ending mid-send) would land after the reply deleted the draft and bring the text back.
  const sending = useRef(false);
  const settledText = useSettled(text, DRAFT_SAVE_DELAY_MS);
  useEffect(() => {
    if (sending.current || edited === null || settledText !== edited || savedText.current === settledText) return;
    savedText.current = settledText;
    draftWrite.current = saveDraft.mutateAsync({ sellerId, itemId: item.id, text: settledText }).catch(() => null);
  }, [settledText, edited, saveDraft, sellerId, item.id]);
  // Leaving the item before the save delay: save what was typed.
  const latest = useRef({ edited, sellerId, itemId: item.id });
  latest.current = { edited, sellerId, itemId: item.id };
  const save = saveDraft.mutate;
  useEffect(
    () => () => {
      const { edited: pending, sellerId: seller, itemId } = latest.current;
      if (!sending.current && pending !== null && savedText.current !== pending) save({ sellerId: seller, itemId, text: pending });
    },
    [save],
  );

  const checkedText = useSettled(text, REPETITION_CHECK_DELAY_MS);
  const repetition = useQuery({
    ...trpc.template.repetition.queryOptions({ sellerId, text: checkedText, itemId: item.id }),
    enabled: checkedText.trim().length >= 20,
  });
  const repeat = checkedText.trim().length >= 20 && checkedText === text ? repetition.data?.repeats[0] : undefined;

  const reply = useMutation(
    trpc.inbox.reply.mutationOptions({
      onSuccess: () => {
        sending.current = false;
        setEdited("");
        savedText.current = "";
        setIdempotencyKey(newKey());
        setQueuedNotice(true);
        queryClient.setQueryData(trpc.draft.get.queryKey({ sellerId, itemId: item.id }), null);
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
        window.dispatchEvent(new CustomEvent("inbox:reply-queued", { detail: { sellerId, itemId: item.id } }));
      },
      // Refused: the text stays in the composer and is a draft again, saved as such.
      onError: (_error, variables) => {
        sending.current = false;
        if (savedText.current === variables.text) return;
        savedText.current = variables.text;
        draftWrite.current = saveDraft.mutateAsync({ sellerId, itemId: item.id, text: variables.text }).catch(() => null);
      },
    }),
  );

  useEffect(() => {
    const focus = () => textarea.current?.focus();
    window.addEventListener("inbox:focus-composer", focus);
    return () => window.removeEventListener("inbox:focus-composer", focus);
  }, []);

  const channel = catalog.data?.find((m) => m.id === item.marketplace)?.channels.find((c) => c.channel === item.channel);
  const limits = channel?.replyText;
  const length = text.trim().length;
  const tooShort = limits ? length < limits.min : length === 0;
  const tooLong = limits ? length > limits.max : false;
  // As the server compares (spacing aside): an unchanged edit would use up Wildberries' one edit.
  const unchanged = editing && foldSpaces(text) === foldSpaces(item.answerText ?? "");

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (tooShort || tooLong || unchanged) return;
    setQueuedNotice(false);
    sending.current = true;
    // Queuing the reply deletes the draft: a draft write still on its way would land after that and
    // bring the sent text back on the next visit.
    await draftWrite.current;
    reply.mutate({ sellerId, itemId: item.id, text, idempotencyKey, edit: editing });
  }

  const title = editing
    ? t.composer.editTitle
    : item.composer.open && item.composer.kind === "message"
      ? t.composer.messageTitle
      : t.composer.title;
  // Whether the marketplace allows an edit comes with the catalog: no hint until then, rather than
  // one that changes its mind when the catalog arrives.
  const answerHint = channel && (channel.editAnswer ? t.composer.answerHintEditable : t.composer.answerHint);
  const hint =
    item.channel === "chat" ? t.composer.chatHint : editing ? (t.composer.editHints[item.marketplace] ?? t.composer.editHint) : answerHint;
  return (
    <Card className="p-5" data-testid="composer">
      <form onSubmit={(event) => void onSubmit(event)} className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <label htmlFor="reply-text" className="block text-sm font-medium text-slate-700">
            {title}
          </label>
          <p id="composer-hint" className="text-xs text-slate-500" data-testid="composer-hint">
            {hint}
          </p>
        </div>

        <TemplateSuggestions
          loading={suggestions.isPending}
          templates={suggestions.data ?? []}
          manageHref={`/s/${sellerId}/templates`}
          onInsert={(filled) => {
            setEdited(filled);
            textarea.current?.focus();
          }}
        />

        <textarea
          ref={textarea}
          id="reply-text"
          name="text"
          rows={5}
          value={text}
          onChange={(event) => {
            setEdited(event.target.value);
            setQueuedNotice(false);
          }}
          placeholder={t.item.replyPlaceholder}
          aria-describedby="composer-hint reply-counter reply-limit edit-unchanged"
          aria-invalid={tooLong || undefined}
          className={cn(
            "block w-full rounded-md border px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-1",
            tooLong
              ? "border-rose-400 focus:border-rose-500 focus:ring-rose-500"
              : "border-slate-300 focus:border-brand-600 focus:ring-brand-600",
          )}
        />

        {repeat && (
          <p
            role="status"
            className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            data-testid="repetition-warning"
          >
            {fill(repeat.similarity >= 0.999 ? t.composer.repeatWarning : t.composer.nearRepeatWarning, {
              when: formatDateTime(new Date(repeat.sentAt), locale),
              percent: Math.round(repeat.similarity * 100),
            })}
          </p>
        )}

        {reply.error && (
          <p role="alert" className="text-sm text-rose-700">
            {serverErrorMessage(reply.error, t)}
          </p>
        )}
        {queuedNotice && (
          <p role="status" className="text-sm text-emerald-700">
            {editing ? t.composer.editQueued : t.composer.queued}
          </p>
        )}
        {unchanged && edited !== null && (
          <p id="edit-unchanged" role="status" className="text-sm text-slate-600" data-testid="edit-unchanged">
            {t.composer.unchanged}
          </p>
        )}

        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={reply.isPending || tooShort || tooLong || unchanged || !limits}>
            {reply.isPending && <Spinner />}
            {reply.isPending ? t.composer.sending : editing ? t.composer.saveEdit : t.composer.send}
          </Button>
          <span className="text-xs text-slate-600" aria-live="polite">
            {saveDraft.isPending
              ? t.composer.draftSaving
              : edited !== null && savedText.current === text && text !== ""
                ? t.composer.draftSaved
                : ""}
          </span>
          <span className="ml-auto text-right text-xs">
            {limits && (
              <span id="reply-counter" data-testid="reply-counter" className={tooLong ? "font-medium text-rose-700" : "text-slate-500"}>
                {fill(t.composer.counter, { n: length, max: limits.max })}
              </span>
            )}
            <span id="reply-limit" className="block text-rose-700" aria-live="polite">
              {limits && tooLong && fill(t.composer.tooLong, { max: limits.max, over: length - limits.max })}
              {limits && tooShort && length > 0 && fill(t.composer.tooShort, { min: limits.min })}
            </span>
          </span>
        </div>
      </form>
    </Card>
  );
}

function TemplateSuggestions({
  loading,
  templates,
  manageHref,
  onInsert,
}: {
  loading: boolean;
  templates: RouterOutputs["template"]["suggest"];
  manageHref: string;
  onInsert: (text: string) => void;
}) {
  const { t } = useMessages();
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="template-suggestions">
      <span className="text-slate-500">{t.composer.templates}:</span>
      {loading ? (
        <Spinner className="h-3 w-3" />
      ) : templates.length === 0 ? (
        <span className="text-slate-600">{t.composer.noTemplates}</span>
      ) : (
        templates.map((template) => (
          <button
            key={template.id}
            type="button"
            title={template.filledText}
            onClick={() => onInsert(template.filledText)}
            className="rounded-full border border-slate-300 px-3 py-1 text-xs text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600"
          >
            {template.name}
          </button>
        ))
      )}
      <Link href={manageHref} className="ml-auto text-xs text-brand-600 underline hover:text-brand-700">
        {t.composer.manageTemplates}
      </Link>
    </div>
  );
}
