"use client";
// List, create, edit and delete a seller's reply templates (name, text with variables, channel,
// ratings it suits).
import type { RouterOutputs } from "@inbox/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { channelName } from "~/components/labels";
import { fill, serverErrorMessage } from "~/components/server-error";
import { Badge, Button, Card, inputClass, Spinner } from "~/components/ui";
import { useMessages } from "~/i18n/client";
import { useTRPC } from "~/trpc/client";

type Template = RouterOutputs["template"]["list"][number];
const VARIABLES = ["buyer", "product", "seller"] as const;

export function TemplatesManager({ sellerId, canEdit }: { sellerId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const { t } = useMessages();
  const templates = useQuery(trpc.template.list.queryOptions({ sellerId }));
  const [editing, setEditing] = useState<Template | "new" | null>(null);

  return (
    <div className="space-y-4">
      {!canEdit && <p className="text-sm text-slate-500">{t.templates.viewerOnly}</p>}
      {canEdit && editing === null && (
        <Button type="button" onClick={() => setEditing("new")}>
          {t.templates.new}
        </Button>
      )}
      {editing !== null && (
        <TemplateForm sellerId={sellerId} template={editing === "new" ? null : editing} onDone={() => setEditing(null)} />
      )}
      {templates.isPending ? (
        <Spinner className="h-4 w-4" />
      ) : templates.isError ? (
        <p role="alert" className="text-sm text-rose-700">
          {serverErrorMessage(templates.error, t)}
        </p>
      ) : templates.data.length === 0 ? (
        <Card className="p-6 text-center text-sm text-slate-500">{t.templates.empty}</Card>
      ) : (
        <ul className="space-y-3" data-testid="templates">
          {templates.data.map((template) => (
            <TemplateRow key={template.id} sellerId={sellerId} template={template} canEdit={canEdit} onEdit={() => setEditing(template)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function TemplateRow({
  sellerId,
  template,
  canEdit,
  onEdit,
}: {
  sellerId: string;
  template: Template;
  canEdit: boolean;
  onEdit: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useMessages();
  const remove = useMutation(
    trpc.template.delete.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.template.pathKey() }) }),
  );
  return (
    <li>
      <Card className="p-4" data-testid="template">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="font-medium">{template.name}</h2>
          <Badge>{template.channel ? channelName(template.channel, t) : t.templates.anyChannel}</Badge>
          <Badge tone="amber">{template.ratings.length > 0 ? template.ratings.map((r) => `${r}★`).join(" ") : t.templates.anyRating}</Badge>
          {canEdit && (
            <span className="ml-auto flex gap-2">
              <Button type="button" variant="secondary" onClick={onEdit}>
                {t.templates.edit}
              </Button>
              <Button
                type="button"
                variant="ghost"
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(fill(t.templates.confirmDelete, { name: template.name })))
                    remove.mutate({ sellerId, templateId: template.id });
                }}
              >
                {t.templates.delete}
              </Button>
            </span>
          )}
        </div>
        <p className="mt-2 whitespace-pre-wrap break-words text-sm text-slate-700">{template.text}</p>
        {remove.error && (
          <p role="alert" className="mt-2 text-sm text-rose-700">
            {serverErrorMessage(remove.error, t)}
          </p>
        )}
      </Card>
    </li>
  );
}

function TemplateForm({ sellerId, template, onDone }: { sellerId: string; template: Template | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useMessages();
  const channels = useQuery(trpc.catalog.channels.queryOptions());
  const [name, setName] = useState(template?.name ?? "");
  const [text, setText] = useState(template?.text ?? "");
  const [channel, setChannel] = useState<string>(template?.channel ?? "");
  const [ratings, setRatings] = useState<number[]>(template?.ratings ?? []);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const options = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.template.pathKey() }).then(onDone) };
  const create = useMutation(trpc.template.create.mutationOptions(options));
  const update = useMutation(trpc.template.update.mutationOptions(options));
  const saving = create.isPending || update.isPending;
  const error = create.error ?? update.error;

  // Where the caret goes once an inserted variable is on screen: set right after React commits the
  // text, before the next key is handled (a frame later, keys typed meanwhile landed before the caret).
  const caretAfterInsert = useRef<number | null>(null);
  useLayoutEffect(() => {
    const field = textRef.current;
    if (caretAfterInsert.current === null || !field) return;
    field.focus();
    field.setSelectionRange(caretAfterInsert.current, caretAfterInsert.current);
    caretAfterInsert.current = null;
  }, [text]);

  function insertVariable(variable: string) {
    const field = textRef.current;
    const token = `{${variable}}`;
    const start = field?.selectionStart ?? text.length;
    const end = field?.selectionEnd ?? text.length;
    caretAfterInsert.current = start + token.length;
    setText(text.slice(0, start) + token + text.slice(end));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = { sellerId, name, text, channel: (channel || null) as "review" | null, ratings };
    if (template) update.mutate({ ...input, templateId: template.id });
    else create.mutate(input);
  }

  return (
    <Card className="p-4">
      <form onSubmit={onSubmit} className="space-y-3" data-testid="template-form">
        <label className="block text-sm">
          <span className="font-medium text-slate-700">{t.templates.name}</span>
          <input
            className={`mt-1 ${inputClass}`}
            name="name"
            value={name}
            maxLength={100}
            required
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <div className="text-sm">
          <label htmlFor="template-text" className="font-medium text-slate-700">
            {t.templates.text}
          </label>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-xs">
            <span className="text-slate-500">{t.templates.variables}:</span>
            {VARIABLES.map((variable) => (
              <button
                key={variable}
                type="button"
                onClick={() => insertVariable(variable)}
                className="rounded-full border border-slate-300 px-2 py-0.5 text-slate-700 hover:bg-slate-100"
              >
                {t.templates.variable[variable]} <code>{`{${variable}}`}</code>
              </button>
            ))}
          </div>
          <textarea
            id="template-text"
            ref={textRef}
            name="text"
            rows={5}
            maxLength={5000}
            required
            value={text}
            onChange={(e) => setText(e.target.value)}
            className={`mt-2 ${inputClass}`}
          />
        </div>
        <div className="flex flex-wrap gap-4">
          <label className="block text-sm">
            <span className="font-medium text-slate-700">{t.templates.channel}</span>
            <select className={`mt-1 ${inputClass}`} name="channel" value={channel} onChange={(e) => setChannel(e.target.value)}>
              <option value="">{t.templates.anyChannel}</option>
              {(channels.data ?? []).map((value) => (
                <option key={value} value={value}>
                  {channelName(value, t)}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="text-sm">
            <legend className="font-medium text-slate-700">{t.templates.ratings}</legend>
            <div className="mt-2 flex gap-3">
              {[1, 2, 3, 4, 5].map((rating) => (
                <label key={rating} className="flex items-center gap-1">
                  <input
                    type="checkbox"
                    name={`rating-${rating}`}
                    checked={ratings.includes(rating)}
                    onChange={(e) => setRatings(e.target.checked ? [...ratings, rating] : ratings.filter((r) => r !== rating))}
                  />
                  {rating}★
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        {error && (
          <p role="alert" className="text-sm text-rose-700">
            {serverErrorMessage(error, t)}
          </p>
        )}
        <div className="flex gap-3">
          <Button type="submit" disabled={saving}>
            {saving && <Spinner />}
            {saving ? t.templates.saving : template ? t.templates.save : t.templates.create}
          </Button>
          <Button type="button" variant="secondary" onClick={onDone} disabled={saving}>
            {t.templates.cancel}
          </Button>
        </div>
      </form>
    </Card>
  );
}
