"use client";
// A seller's automation rules: the list (with what each did today and an on/off switch), and the
// form with conditions, action and a preview of the current items the rule would act on.
import type { RouterInputs, RouterOutputs } from "@inbox/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { channelName, ChannelBadge, MarketplaceBadge, marketplaceName } from "~/components/labels";
import { fill, serverErrorMessage } from "~/components/server-error";
import { Badge, Button, Card, inputClass, Spinner, Stars } from "~/components/ui";
import { useMessages } from "~/i18n/client";
import type { Messages } from "~/i18n/messages";
import { useTRPC } from "~/trpc/client";

type Rule = RouterOutputs["automation"]["list"][number];
type RuleInput = RouterInputs["automation"]["create"];
type Conditions = Omit<RouterInputs["automation"]["preview"], "sellerId">;
const TEXT_PRESENCE = ["ANY", "WITH_TEXT", "WITHOUT_TEXT"] as const;
const ACTIONS = ["REPLY", "ASSIGN", "MARK_READ"] as const;

export function RulesManager({ sellerId, canManage }: { sellerId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const { t } = useMessages();
  const rules = useQuery(trpc.automation.list.queryOptions({ sellerId }));
  const [editing, setEditing] = useState<Rule | "new" | null>(null);

  return (
    <div className="space-y-4">
      {!canManage && <p className="text-sm text-slate-500">{t.automation.ownersOnly}</p>}
      {canManage && editing === null && (
        <Button type="button" onClick={() => setEditing("new")}>
          {t.automation.new}
        </Button>
      )}
      {editing !== null && <RuleForm sellerId={sellerId} rule={editing === "new" ? null : editing} onDone={() => setEditing(null)} />}
      {rules.isPending ? (
        <Spinner className="h-4 w-4" />
      ) : rules.isError ? (
        <p role="alert" className="text-sm text-rose-700">
          {serverErrorMessage(rules.error, t)}
        </p>
      ) : rules.data.length === 0 ? (
        <Card className="p-6 text-center text-sm text-slate-500">{t.automation.empty}</Card>
      ) : (
        <ul className="space-y-3" data-testid="rules">
          {rules.data.map((rule) => (
            <RuleRow key={rule.id} sellerId={sellerId} rule={rule} canManage={canManage} onEdit={() => setEditing(rule)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function conditionSummary(rule: Conditions, t: Messages): string[] {
  const parts: string[] = [];
  if (rule.marketplaces?.length) parts.push(rule.marketplaces.map((id) => marketplaceName({ id }, t)).join(", "));
  if (rule.channels?.length) parts.push(rule.channels.map((channel) => channelName(channel, t)).join(", "));
  if (rule.ratings?.length)
    parts.push(
      [...rule.ratings]
        .sort()
        .map((rating) => `${rating}★`)
        .join(" "),
    );
  if (rule.textPresence && rule.textPresence !== "ANY") parts.push(t.automation.text[rule.textPresence]);
  if (rule.product) parts.push(`${t.automation.product.split(" (")[0]}: ${rule.product}`);
  if (rule.keywords?.length) parts.push(rule.keywords.map((word) => `«${word}»`).join(", "));
  return parts;
}

function RuleRow({ sellerId, rule, canManage, onEdit }: { sellerId: string; rule: Rule; canManage: boolean; onEdit: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useMessages();
  const refresh = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.automation.pathKey() }) };
  const toggle = useMutation(trpc.automation.setEnabled.mutationOptions(refresh));
  const remove = useMutation(trpc.automation.delete.mutationOptions(refresh));
  const error = toggle.error ?? remove.error;
  return (
    <li>
      <Card className="p-4" data-testid="rule">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="font-medium">{rule.name}</h2>
          <Badge tone={rule.enabled ? "green" : "neutral"}>{rule.enabled ? t.automation.enabled : t.automation.disabled}</Badge>
          {canManage && (
            <span className="ml-auto flex flex-wrap gap-2">
              <Button
                type="button"
                variant={rule.enabled ? "secondary" : "primary"}
                disabled={toggle.isPending}
                onClick={() => {
                  if (!rule.enabled && !window.confirm(fill(t.automation.confirmEnable, { name: rule.name }))) return;
                  toggle.mutate({ sellerId, ruleId: rule.id, enabled: !rule.enabled });
                }}
              >
                {rule.enabled ? t.automation.disable : t.automation.enable}
              </Button>
              <Button type="button" variant="secondary" onClick={onEdit}>
                {t.automation.edit}
              </Button>
              <Button
                type="button"
                variant="ghost"
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(fill(t.automation.confirmDelete, { name: rule.name }))) remove.mutate({ sellerId, ruleId: rule.id });
                }}
              >
                {t.automation.delete}
              </Button>
            </span>
          )}
        </div>
        <p className="mt-2 text-sm text-slate-700">
          {[...conditionSummary(rule, t), ""].join(" · ")}
          <strong>
            {t.automation.actions[rule.action]}
            {rule.action === "REPLY" && (rule.template ? ` «${rule.template.name}»` : ` (${t.automation.templateMissing})`)}
            {rule.action === "ASSIGN" && (rule.assignee ? `: ${rule.assignee.name}` : ` (${t.automation.assigneeMissing})`)}
          </strong>
          {rule.delayMinutes > 0 && ` · ${fill(t.automation.delayValue, { n: rule.delayMinutes })}`}
          {rule.dailyCap !== null && ` · ${fill(t.automation.capValue, { n: rule.dailyCap })}`}
        </p>
        <p className="mt-1 text-xs text-slate-500" data-testid="rule-today">
          {fill(t.automation.today, {
            replied: rule.today.replied,
            assigned: rule.today.assigned,
            read: rule.today.markedRead,
            skipped: rule.today.skipped,
          })}
        </p>
        {error && (
          <p role="alert" className="mt-2 text-sm text-rose-700">
            {serverErrorMessage(error, t)}
          </p>
        )}
      </Card>
    </li>
  );
}

function toggled<T>(list: T[], value: T, on: boolean): T[] {
  return on ? [...list, value] : list.filter((entry) => entry !== value);
}

function RuleForm({ sellerId, rule, onDone }: { sellerId: string; rule: Rule | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useMessages();
  const catalog = useQuery(trpc.catalog.marketplaces.queryOptions());
  const channels = useQuery(trpc.catalog.channels.queryOptions());
  const templates = useQuery(trpc.template.list.queryOptions({ sellerId }));
  const members = useQuery(trpc.item.members.queryOptions({ sellerId }));
  const [name, setName] = useState(rule?.name ?? "");
  const [marketplaces, setMarketplaces] = useState<string[]>(rule?.marketplaces ?? []);
  const [ruleChannels, setRuleChannels] = useState<string[]>(rule?.channels ?? ["review"]);
  const [ratings, setRatings] = useState<number[]>(rule?.ratings ?? []);
  const [textPresence, setTextPresence] = useState<(typeof TEXT_PRESENCE)[number]>(rule?.textPresence ?? "ANY");
  const [product, setProduct] = useState(rule?.product ?? "");
  const [keywords, setKeywords] = useState(rule?.keywords.join(", ") ?? "");
  const [action, setAction] = useState<(typeof ACTIONS)[number]>(rule?.action ?? "REPLY");
  const [templateId, setTemplateId] = useState(rule?.template?.id ?? "");
  const [assigneeId, setAssigneeId] = useState(rule?.assignee?.id ?? "");
  const [delay, setDelay] = useState(String(rule?.delayMinutes ?? 0));
  const [cap, setCap] = useState(rule?.dailyCap === null || rule?.dailyCap === undefined ? "" : String(rule.dailyCap));
  const [problem, setProblem] = useState<string | null>(null);
  const [previewOf, setPreviewOf] = useState<Conditions | null>(null);
  const templateField = useId();
  const assigneeField = useId();

  const conditions: Conditions = {
    marketplaces,
    channels: ruleChannels,
    ratings,
    textPresence,
    product: product.trim() || null,
    keywords: keywords
      .split(",")
      .map((word) => word.trim())
      .filter(Boolean),
    action,
  };
  const preview = useQuery({
    ...trpc.automation.preview.queryOptions({ sellerId, ...(previewOf ?? conditions) }),
    enabled: previewOf !== null,
  });
  const options = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.automation.pathKey() }).then(onDone) };
  const create = useMutation(trpc.automation.create.mutationOptions(options));
  const update = useMutation(trpc.automation.update.mutationOptions(options));
  const saving = create.isPending || update.isPending;
  const error = create.error ?? update.error;
  const replyChannels = (channels.data ?? []).filter((channel) => action !== "REPLY" || channel !== "chat");

  function validate(): RuleInput | null {
    const delayMinutes = Number(delay);
    const dailyCap = cap.trim() === "" ? null : Number(cap);
    if (!name.trim()) return (setProblem(t.automation.invalid.name), null);
    if (action === "REPLY" && !templateId) return (setProblem(t.automation.invalid.template), null);
    if (action === "ASSIGN" && !assigneeId) return (setProblem(t.automation.invalid.assignee), null);
    if (action === "REPLY" && ruleChannels.includes("chat")) return (setProblem(t.automation.invalid.chat), null);
    if (!Number.isInteger(delayMinutes) || delayMinutes < 0 || (dailyCap !== null && (!Number.isInteger(dailyCap) || dailyCap < 1))) {
      return (setProblem(t.automation.invalid.number), null);
    }
    setProblem(null);
    return {
      sellerId,
      name,
      ...conditions,
      templateId: action === "REPLY" ? templateId : null,
      assigneeId: action === "ASSIGN" ? assigneeId : null,
      delayMinutes,
      dailyCap,
    };
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = validate();
    if (!input) return;
    if (rule) update.mutate({ sellerId, ruleId: rule.id, rule: input });
    else create.mutate(input);
  }

  return (
    <Card className="p-4">
      <form onSubmit={onSubmit} className="space-y-4" data-testid="rule-form" noValidate>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">{t.automation.name}</span>
          <input
            className={`mt-1 ${inputClass}`}
            name="name"
            value={name}
            maxLength={100}
            placeholder={t.automation.namePlaceholder}
            onChange={(e) => setName(e.target.value)}
          />
        </label>

        <fieldset className="space-y-3 rounded-lg border border-slate-200 p-3">
          <legend className="px-1 text-sm font-medium text-slate-700">{t.automation.conditions}</legend>
          <CheckGroup
            legend={t.automation.marketplaces}
            hint={t.automation.any}
            options={(catalog.data ?? []).map((entry) => ({ value: entry.id, label: marketplaceName(entry, t) }))}
            selected={marketplaces}
            onChange={setMarketplaces}
          />
          <CheckGroup
            legend={t.automation.channels}
            hint={t.automation.any}
            options={replyChannels.map((channel) => ({ value: channel, label: channelName(channel, t) }))}
            selected={ruleChannels}
            onChange={setRuleChannels}
          />
          <CheckGroup
            legend={t.automation.ratings}
            hint={t.automation.any}
            options={[1, 2, 3, 4, 5].map((rating) => ({ value: rating, label: `${rating}★` }))}
            selected={ratings}
            onChange={setRatings}
          />
          <fieldset className="text-sm">
            <legend className="font-medium text-slate-700">{t.automation.textPresence}</legend>
            <div className="mt-1 flex flex-wrap gap-3">
              {TEXT_PRESENCE.map((value) => (
                <label key={value} className="flex min-h-9 items-center gap-1">
                  <input type="radio" name="textPresence" checked={textPresence === value} onChange={() => setTextPresence(value)} />
                  {t.automation.text[value]}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="grid gap-3 sm:grid-cols-2">
            <label className="block text-sm">
              <span className="font-medium text-slate-700">{t.automation.product}</span>
              <input
                className={`mt-1 ${inputClass}`}
                name="product"
                value={product}
                maxLength={200}
                onChange={(e) => setProduct(e.target.value)}
              />
            </label>
            <label className="block text-sm">
              <span className="font-medium text-slate-700">{t.automation.keywords}</span>
              <input className={`mt-1 ${inputClass}`} name="keywords" value={keywords} onChange={(e) => setKeywords(e.target.value)} />
            </label>
          </div>
        </fieldset>

        <fieldset className="space-y-3 rounded-lg border border-slate-200 p-3">
          <legend className="px-1 text-sm font-medium text-slate-700">{t.automation.action}</legend>
          <div className="flex flex-wrap gap-3 text-sm">
            {ACTIONS.map((value) => (
              <label key={value} className="flex min-h-9 items-center gap-1">
                <input
                  type="radio"
                  name="action"
                  checked={action === value}
                  onChange={() => {
                    setAction(value);
                    if (value === "REPLY") setRuleChannels(ruleChannels.filter((channel) => channel !== "chat"));
                  }}
                />
                {t.automation.actions[value]}
              </label>
            ))}
          </div>
          {action === "REPLY" && (
            <div className="space-y-1 text-sm">
              <label htmlFor={templateField} className="block font-medium text-slate-700">
                {t.automation.template}
              </label>
              <select
                id={templateField}
                className={inputClass}
                name="template"
                value={templateId}
                onChange={(e) => setTemplateId(e.target.value)}
              >
                <option value="">{t.automation.chooseTemplate}</option>
                {(templates.data ?? []).map((template) => (
                  <option key={template.id} value={template.id}>
                    {template.name}
                  </option>
                ))}
              </select>
              {templates.data?.length === 0 && <p className="text-amber-800">{t.automation.noTemplates}</p>}
              <p className="text-xs text-slate-500">{t.automation.variantsHint}</p>
            </div>
          )}
          {action === "ASSIGN" && (
            <div className="space-y-1 text-sm">
              <label htmlFor={assigneeField} className="block font-medium text-slate-700">
                {t.automation.assignee}
              </label>
              <select
                id={assigneeField}
                className={inputClass}
                name="assignee"
                value={assigneeId}
                onChange={(e) => setAssigneeId(e.target.value)}
              >
                <option value="">{t.automation.chooseAssignee}</option>
                {(members.data ?? []).map((member) => (
                  <option key={member.id} value={member.id}>
                    {member.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="grid gap-3 sm:grid-cols-2">
            <label className="block text-sm">
              <span className="font-medium text-slate-700">{t.automation.delay}</span>
              <input
                className={`mt-1 ${inputClass}`}
                name="delay"
                inputMode="numeric"
                value={delay}
                onChange={(e) => setDelay(e.target.value)}
              />
            </label>
            <label className="block text-sm">
              <span className="font-medium text-slate-700">{t.automation.dailyCap}</span>
              <input
                className={`mt-1 ${inputClass}`}
                name="dailyCap"
                inputMode="numeric"
                value={cap}
                onChange={(e) => setCap(e.target.value)}
              />
            </label>
          </div>
        </fieldset>

        <div className="space-y-2">
          <Button type="button" variant="secondary" onClick={() => setPreviewOf(conditions)} disabled={preview.isFetching}>
            {preview.isFetching && <Spinner />}
            {preview.isFetching ? t.automation.previewing : t.automation.preview}
          </Button>
          {previewOf && preview.data && <RulePreview preview={preview.data} />}
          {previewOf && preview.error && (
            <p role="alert" className="text-sm text-rose-700">
              {serverErrorMessage(preview.error, t)}
            </p>
          )}
        </div>

        {(problem ?? error) && (
          <p role="alert" className="text-sm text-rose-700">
            {problem ?? serverErrorMessage(error, t)}
          </p>
        )}
        <div className="flex gap-3">
          <Button type="submit" disabled={saving}>
            {saving && <Spinner />}
            {saving ? t.automation.saving : rule ? t.automation.save : t.automation.create}
          </Button>
          <Button type="button" variant="secondary" onClick={onDone} disabled={saving}>
            {t.automation.cancel}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function CheckGroup<T extends string | number>({
  legend,
  hint,
  options,
  selected,
  onChange,
}: {
  legend: string;
  hint: string;
  options: Array<{ value: T; label: string }>;
  selected: T[];
  onChange: (next: T[]) => void;
}) {
  return (
    <fieldset className="text-sm">
      <legend className="font-medium text-slate-700">
        {legend} {selected.length === 0 && <span className="font-normal text-slate-500">({hint})</span>}
      </legend>
      <div className="mt-1 flex flex-wrap gap-3">
        {options.map((option) => (
          <label key={String(option.value)} className="flex min-h-9 items-center gap-1">
            <input
              type="checkbox"
              checked={selected.includes(option.value)}
              onChange={(e) => onChange(toggled(selected, option.value, e.target.checked))}
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function RulePreview({ preview }: { preview: RouterOutputs["automation"]["preview"] }) {
  const { t } = useMessages();
  if (preview.count === 0)
    return (
      <p className="text-sm text-slate-600" data-testid="rule-preview">
        {t.automation.previewNone}
      </p>
    );
  return (
    <div className="space-y-2 rounded-lg bg-slate-50 p-3 text-sm" data-testid="rule-preview">
      <p className="font-medium">{fill(preview.more ? t.automation.previewMore : t.automation.previewCount, { n: preview.count })}</p>
      <ul className="space-y-1">
        {preview.items.map((item) => (
          <li key={item.id} className="flex flex-wrap items-center gap-2" data-testid="rule-preview-item">
            <MarketplaceBadge marketplace={item.marketplace} t={t} />
            <ChannelBadge channel={item.channel} t={t} />
            {item.rating !== null && <Stars rating={item.rating} />}
            <span className="min-w-0 flex-1 truncate text-slate-700">{item.text || item.productName || "—"}</span>
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-500">{t.automation.previewNote}</p>
    </div>
  );
}
