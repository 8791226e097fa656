"use client";
// Forms that hand marketplace credentials to the server: adding an account and replacing its token.
// The server checks them with a real call before storing them encrypted; they are never shown back.
import type { AppErrorReason, RouterOutputs } from "@inbox/api";
import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import type { Messages } from "~/i18n/messages";
import { useTRPC } from "~/trpc/client";
import { marketplaceName } from "./labels";
import { Button, Card, Field, inputClass, Spinner } from "./ui";

/** One entry of `catalog.marketplaces`: the registry's marketplaces, channels and credential fields. */
export type MarketplaceInfo = RouterOutputs["catalog"]["marketplaces"][number];
type CredentialField = MarketplaceInfo["credentialFields"][number];

/** A field's label in the user's language; the schema's own label or the field name otherwise. */
function credentialLabel(field: CredentialField, t: Messages["accounts"]) {
  return t.credentials[field.name] ?? field.label ?? field.name;
}

/** Server-side failure of a credentials form: field messages from zod, or the server's explanation. */
interface FormFailure {
  message: string;
  data?: { zodError?: { fieldErrors: Record<string, string[] | undefined>; formErrors: string[] } | null; reason?: string | null } | null;
}

function fieldError(error: FormFailure | null, field: string) {
  return error?.data?.zodError?.fieldErrors[field]?.[0];
}

/** The server names the kind of failure (error.data.reason); the user reads it in their language. */
const SERVER_ERRORS: Partial<Record<AppErrorReason, keyof Messages["accounts"]["serverErrors"]>> = {
  credentials_rejected: "rejected",
  subscription_missing: "subscription",
  marketplace_unreachable: "unreachable",
  credentials_incomplete: "incomplete",
};

function FailureAlert({ error, title, t }: { error: FormFailure | null; title: string; t: Messages["accounts"] }) {
  if (!error) return null;
  // A zod failure's message is a JSON dump: its parts are shown next to the fields instead.
  const zod = error.data?.zodError;
  const detail = zod ? zod.formErrors[0] : error.message;
  const known = error.data?.reason ? SERVER_ERRORS[error.data.reason as AppErrorReason] : undefined;
  return (
    <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
      <p className="font-medium">{title}</p>
      {known && <p className="mt-0.5">{t.serverErrors[known]}</p>}
      {detail && <p className={known ? "mt-1 text-xs text-rose-700/80" : "mt-0.5"}>{detail}</p>}
    </div>
  );
}

function CredentialInputs({
  marketplace,
  values,
  onChange,
  error,
  disabled,
  t,
}: {
  marketplace: MarketplaceInfo;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  error?: string;
  disabled: boolean;
  t: Messages["accounts"];
}) {
  const baseId = useId();
  const fields = marketplace.credentialFields;
  return (
    <div className="space-y-3">
      {fields.map((field, index) => (
        <Field
          key={field.name}
          id={`${baseId}-${field.name}`}
          label={credentialLabel(field, t)}
          hint={index === fields.length - 1 ? (t.credentialHints[marketplace.id] ?? field.description) : undefined}
          error={index === fields.length - 1 ? error : undefined}
        >
          <input
            id={`${baseId}-${field.name}`}
            name={field.name}
            type={field.secret ? "password" : "text"}
            inputMode={field.type === "number" ? "numeric" : undefined}
            // Keeps browsers from offering the user's own passwords for marketplace keys.
            autoComplete={field.secret ? "new-password" : "off"}
            spellCheck={false}
            required={field.required}
            disabled={disabled}
            value={values[field.name] ?? ""}
            onChange={(event) => onChange({ ...values, [field.name]: event.target.value })}
            className={inputClass}
          />
        </Field>
      ))}
    </div>
  );
}

/** The marketplace's fields only (values typed for another marketplace are dropped); empty optional ones left out. */
function onlyFieldsOf(marketplace: MarketplaceInfo, values: Record<string, string>) {
  return Object.fromEntries(
    marketplace.credentialFields
      .map((field) => [field.name, (values[field.name] ?? "").trim(), field.required] as const)
      .filter(([, value, required]) => required || value !== "")
      .map(([name, value]) => [name, value]),
  );
}

export function AddAccountForm({
  sellerId,
  marketplaces,
  allowCustomBaseUrl,
  onDone,
  onCancel,
  t,
}: {
  sellerId: string;
  /** From catalog.marketplaces, in the registry's order; the first is preselected. */
  marketplaces: MarketplaceInfo[];
  allowCustomBaseUrl: boolean;
  onDone: () => void;
  onCancel: () => void;
  t: Messages;
}) {
  const trpc = useTRPC();
  const id = useId();
  const [marketplaceId, setMarketplaceId] = useState(marketplaces[0]?.id);
  const marketplace = marketplaces.find((entry) => entry.id === marketplaceId);
  const [displayName, setDisplayName] = useState("");
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [baseUrl, setBaseUrl] = useState("");
  const create = useMutation(trpc.account.create.mutationOptions({ onSuccess: onDone }));
  const a = t.accounts;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!marketplace) return;
    create.mutate({
      sellerId,
      marketplace: marketplace.id,
      displayName,
      credentials: onlyFieldsOf(marketplace, credentials),
      ...(baseUrl.trim() ? { baseUrls: { "*": baseUrl.trim() } } : {}),
    });
  }

  const pending = create.isPending;
  return (
    <Card className="p-5">
      <form onSubmit={onSubmit} className="space-y-4" aria-label={a.add.title} data-testid="add-account-form">
        <h2 className="text-base font-semibold">{a.add.title}</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={`${id}-marketplace`} label={a.add.marketplace} error={fieldError(create.error, "marketplace")}>
            <select
              id={`${id}-marketplace`}
              value={marketplaceId}
              disabled={pending}
              onChange={(event) => {
                setMarketplaceId(marketplaces.find((entry) => entry.id === event.target.value)?.id);
                setCredentials({});
              }}
              className={inputClass}
            >
              {marketplaces.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {marketplaceName(entry, t)}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${id}-name`} label={a.add.displayName} error={fieldError(create.error, "displayName")}>
            <input
              id={`${id}-name`}
              required
              maxLength={100}
              disabled={pending}
              value={displayName}
              placeholder={a.add.displayNamePlaceholder}
              onChange={(event) => setDisplayName(event.target.value)}
              className={inputClass}
            />
          </Field>
        </div>
        {marketplace && (
          <CredentialInputs
            marketplace={marketplace}
            values={credentials}
            onChange={setCredentials}
            error={fieldError(create.error, "credentials")}
            disabled={pending}
            t={a}
          />
        )}
        {allowCustomBaseUrl && (
          <Field id={`${id}-base-url`} label={a.add.baseUrl} hint={a.add.baseUrlHint} error={fieldError(create.error, "baseUrls")}>
            <input
              id={`${id}-base-url`}
              type="url"
              disabled={pending}
              value={baseUrl}
              placeholder="http://127.0.0.1:…"
              onChange={(event) => setBaseUrl(event.target.value)}
              className={inputClass}
            />
          </Field>
        )}
        {!pending && <FailureAlert error={create.error} title={a.add.failed} t={a} />}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={pending || !marketplace}>
            {pending && <Spinner />}
            {pending ? a.add.checking : a.add.submit}
          </Button>
          <Button type="button" variant="ghost" disabled={pending} onClick={onCancel}>
            {a.actions.cancel}
          </Button>
          <span className="ml-auto text-xs text-slate-500">{a.add.secretsNote}</span>
        </div>
      </form>
    </Card>
  );
}

export function UpdateTokenForm({
  sellerId,
  accountId,
  marketplace,
  onDone,
  onCancel,
  t,
}: {
  sellerId: string;
  accountId: string;
  marketplace: MarketplaceInfo;
  onDone: () => void;
  onCancel: () => void;
  t: Messages["accounts"];
}) {
  const trpc = useTRPC();
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const update = useMutation(trpc.account.updateCredentials.mutationOptions({ onSuccess: onDone }));
  const pending = update.isPending;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ sellerId, accountId, credentials: onlyFieldsOf(marketplace, credentials) });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded-lg bg-slate-50 p-4" aria-label={t.actions.updateToken}>
      <CredentialInputs
        marketplace={marketplace}
        values={credentials}
        onChange={setCredentials}
        error={fieldError(update.error, "credentials")}
        disabled={pending}
        t={t}
      />
      {!pending && <FailureAlert error={update.error} title={t.actionFailed} t={t} />}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending && <Spinner />}
          {pending ? t.actions.checking : t.actions.save}
        </Button>
        <Button type="button" variant="ghost" disabled={pending} onClick={onCancel}>
          {t.actions.cancel}
        </Button>
      </div>
    </form>
  );
}
