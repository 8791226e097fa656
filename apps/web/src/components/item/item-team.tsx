"use client";
// Team work on one item: who takes care of it (a select of the seller's members), the team's internal
// notes (never sent to the buyer, styled apart from replies) and the item's history, newest last.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import type { RouterOutputs } from "@inbox/api";
import { formatDateTime } from "~/components/format";
import { fill, serverErrorMessage } from "~/components/server-error";
import { Button, Card, cn, inputClass, Spinner } from "~/components/ui";
import { useMessages } from "~/i18n/client";
import type { Messages } from "~/i18n/messages";
import { useTRPC } from "~/trpc/client";

/** The longest note the API accepts (services/item-notes.ts NOTE_MAX_LENGTH). */
const NOTE_MAX_LENGTH = 2000;

type HistoryEntry = RouterOutputs["item"]["history"]["entries"][number];

/** Refreshes everything an assignment or a note changes: the item, its notes and history, the lists. */
function useRefreshTeam() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.item.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() }),
    ]);
}

export function AssigneeControl({
  sellerId,
  itemId,
  assignee,
  canAct,
}: {
  sellerId: string;
  itemId: string;
  assignee: { id: string; name: string } | null;
  canAct: boolean;
}) {
  const trpc = useTRPC();
  const { t } = useMessages();
  const refresh = useRefreshTeam();
  // Asked at once, beside the item and the caller's role, rather than after them.
  const members = useQuery(trpc.item.members.queryOptions({ sellerId }));
  // The member just chosen shows at once, until the item read back names them (or the change fails).
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const assigneeId = assignee?.id ?? null;
  useEffect(() => setChosen(undefined), [assigneeId]);
  const assign = useMutation(trpc.item.assign.mutationOptions({ onSuccess: () => void refresh(), onError: () => setChosen(undefined) }));
  if (!canAct) {
    return (
      <p className="text-sm text-slate-600" data-testid="assignee">
        {t.teamWork.assignee}: {assignee?.name ?? t.teamWork.unassigned}
      </p>
    );
  }
  // The current assignee stays listed while the members load (or if they left meanwhile).
  const options = [...(members.data ?? [])];
  if (assignee && !options.some((member) => member.id === assignee.id)) options.unshift({ ...assignee, role: "AGENT" });
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <label htmlFor={`assignee-${itemId}`} className="text-slate-600">
        {t.teamWork.assignee}
      </label>
      <select
        id={`assignee-${itemId}`}
        data-testid="assignee-select"
        aria-label={t.teamWork.assigneeLabel}
        value={(chosen === undefined ? assigneeId : chosen) ?? ""}
        disabled={assign.isPending}
        onChange={(event) => {
          const next = event.target.value || null;
          setChosen(next);
          assign.mutate({ sellerId, itemId, assigneeId: next });
        }}
        className={cn(inputClass, "min-h-9 w-auto py-1")}
      >
        <option value="">{t.teamWork.unassigned}</option>
        {options.map((member) => (
          <option key={member.id} value={member.id}>
            {member.name}
          </option>
        ))}
      </select>
      {assign.isPending && (
        <span className="flex items-center gap-1 text-xs text-slate-500">
          <Spinner className="h-3 w-3" /> {t.teamWork.saving}
        </span>
      )}
      {assign.isError && (
        <span role="alert" className="text-xs text-rose-700">
          {serverErrorMessage(assign.error, t)}
        </span>
      )}
    </div>
  );
}

export function ItemNotes({ sellerId, itemId, canAct }: { sellerId: string; itemId: string; canAct: boolean }) {
  const trpc = useTRPC();
  const { t, locale } = useMessages();
  const tn = t.teamWork.notes;
  const refresh = useRefreshTeam();
  const notes = useQuery(trpc.item.notes.queryOptions({ sellerId, itemId }));
  const [text, setText] = useState("");
  const add = useMutation(
    trpc.item.addNote.mutationOptions({
      onSuccess: () => {
        setText("");
        void refresh();
      },
    }),
  );
  const length = text.trim().length;
  const tooLong = length > NOTE_MAX_LENGTH;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (length === 0 || tooLong) return;
    add.mutate({ sellerId, itemId, text });
  }

  return (
    <Card className="border-amber-200 p-4 sm:p-5" data-testid="notes">
      <h2 className="text-sm font-medium text-slate-700">{tn.title}</h2>
      <p className="mt-1 text-xs text-slate-600">{tn.hint}</p>
      {notes.isError ? (
        <p role="alert" className="mt-3 text-sm text-rose-700">
          {serverErrorMessage(notes.error, t)}
        </p>
      ) : notes.data && notes.data.length > 0 ? (
        <ul className="mt-3 space-y-2">
          {notes.data.map((note) => (
            <li key={note.id} className="rounded-lg border border-dashed border-amber-300 bg-amber-50 px-4 py-3 text-sm" data-testid="note">
              <div className="flex flex-wrap items-center gap-2 text-xs text-amber-900">
                <span className="rounded bg-amber-200 px-1.5 py-0.5 font-semibold uppercase tracking-wide">{tn.label}</span>
                <span className="font-medium">{note.author?.name ?? t.teamWork.history.someone}</span>
                <time className="ml-auto" dateTime={note.createdAt.toISOString()}>
                  {formatDateTime(note.createdAt, locale)}
                </time>
              </div>
              <p className="mt-2 whitespace-pre-wrap break-words text-slate-900">{note.text}</p>
            </li>
          ))}
        </ul>
      ) : notes.data ? (
        <p className="mt-3 text-sm text-slate-600">{tn.empty}</p>
      ) : (
        <Spinner className="mt-3 h-4 w-4" />
      )}
      {canAct ? (
        <form onSubmit={onSubmit} className="mt-3 space-y-2">
          <label htmlFor={`note-${itemId}`} className="sr-only">
            {tn.label}
          </label>
          <textarea
            id={`note-${itemId}`}
            data-testid="note-input"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder={tn.placeholder}
            rows={2}
            aria-invalid={tooLong || undefined}
            aria-describedby={`note-count-${itemId}`}
            className={cn(inputClass, "bg-amber-50/40")}
          />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant="secondary" disabled={add.isPending || length === 0 || tooLong} data-testid="note-add">
              {add.isPending && <Spinner />}
              {add.isPending ? tn.adding : tn.add}
            </Button>
            <span id={`note-count-${itemId}`} className={cn("text-xs", tooLong ? "text-rose-700" : "text-slate-500")}>
              {tooLong ? fill(tn.tooLong, { max: NOTE_MAX_LENGTH }) : fill(tn.counter, { length, max: NOTE_MAX_LENGTH })}
            </span>
          </div>
          {add.isError && (
            <p role="alert" className="text-sm text-rose-700">
              {serverErrorMessage(add.error, t)}
            </p>
          )}
        </form>
      ) : (
        <p className="mt-3 text-xs text-slate-600">{tn.viewerOnly}</p>
      )}
    </Card>
  );
}

function describe(entry: HistoryEntry, t: Messages, locale: "ru" | "en"): string {
  const th = t.teamWork.history;
  // No actor: an automation rule acted (docs/automation.md), or the user was deleted.
  const automatic = entry.kind === "replied" ? entry.rule !== null : false;
  const actor = "actor" in entry ? (entry.actor?.name ?? th.someone) : th.someone;
  switch (entry.kind) {
    case "arrived":
      return `${th.arrived} · ${fill(th.received, { at: formatDateTime(entry.receivedAt, locale) })}`;
    case "read":
      if (!entry.actor && entry.read) return th.readByRule;
      return fill(entry.read ? th.read : th.unread, { actor });
    case "assigned":
      if (!entry.actor && entry.assignee) return fill(th.assignedByRule, { assignee: entry.assignee.name });
      return entry.assignee ? fill(th.assigned, { actor, assignee: entry.assignee.name }) : fill(th.unassigned, { actor });
    case "note_added":
      return fill(th.note_added, { actor });
    case "replied":
      return automatic && entry.rule ? fill(th.repliedByRule, { rule: entry.rule.name }) : fill(th.replied, { actor });
    case "delivered":
      return fill(th.delivered, { actor: entry.actor?.name ?? th.automatic });
    case "failed":
      return fill(th.failed, { actor: entry.actor?.name ?? th.automatic, reason: entry.reason ?? "—" });
  }
}

export function ItemHistory({ sellerId, itemId }: { sellerId: string; itemId: string }) {
  const trpc = useTRPC();
  const { t, locale } = useMessages();
  const history = useQuery(trpc.item.history.queryOptions({ sellerId, itemId }));
  return (
    <Card className="p-4 sm:p-5" data-testid="history">
      <h2 className="text-sm font-medium text-slate-700">{t.teamWork.history.title}</h2>
      {history.isError ? (
        <p role="alert" className="mt-3 text-sm text-rose-700">
          {serverErrorMessage(history.error, t)}
        </p>
      ) : !history.data ? (
        <Spinner className="mt-3 h-4 w-4" />
      ) : (
        <>
          {history.data.truncated && <p className="mt-2 text-xs text-slate-600">{t.teamWork.history.truncated}</p>}
          <ol className="mt-3 space-y-2 border-l border-slate-200 pl-4 text-sm">
            {history.data.entries.map((entry, index) => (
              <li key={index} className="relative" data-testid="history-entry" data-kind={entry.kind}>
                <span className="absolute top-1.5 -left-[21px] h-2 w-2 rounded-full bg-slate-400" aria-hidden />
                <time className="block text-xs text-slate-500" dateTime={entry.at.toISOString()}>
                  {formatDateTime(entry.at, locale)}
                </time>
                <span className={cn(entry.kind === "failed" ? "text-rose-700" : "text-slate-800")}>{describe(entry, t, locale)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </Card>
  );
}
