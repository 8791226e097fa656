"use client";
// Forms that hand marketplace credentials to the server: adding an account and replacing its token.
// The server checks them with a real call before storing them encrypted; they are never shown back.
import type { AppErrorReason } from "@inbox/api";
import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import type { Messages } from "~/i18n/messages";
import { useTRPC } from "~/trpc/client";
import { Button, Card, Field, inputClass, Spinner } from "./ui";

export type MarketplaceName = "wildberries" | "ozon" | "yandex-market";
export const MARKETPLACES: MarketplaceName[] = ["wildberries", "ozon", "yandex-market"];

type CredentialKey = keyof Messages["accounts"]["credentials"];
interface CredentialField {
  key: string;
  label: CredentialKey;
  secret: boolean;
}

/** What each marketplace's connector expects in `credentials`. */
const CREDENTIAL_FIELDS: Record<MarketplaceName, { fields: CredentialField[]; hint: CredentialKey }> = {
  wildberries: { fields: [{ key: "apiToken", label: "apiToken", secret: true }], hint: "apiTokenHint" },
  ozon: {
    fields: [
      { key: "clientId", label: "clientId", secret: false },
      { key: "apiKey", label: "apiKey", secret: true },
    ],
    hint: "ozonHint",
  },
  "yandex-market": {
    fields: [
      { key: "apiKey", label: "apiKey", secret: true },
      { key: "businessId", label: "businessId", secret: false },
    ],
    hint: "yandexHint",
  },
};

/** Server-side failure of a credentials form: field messages from zod, or the server's explanation. */
interface FormFailure {
  message: string;
  data?: { zodError?: { fieldErrors: Record<string, string[] | undefined>; formErrors: string[] } | null; reason?: string | null } | null;
}

function fieldError(error: FormFailure | null, field: string) {
  return error?.data?.zodError?.fieldErrors[field]?.[0];
}

/** The server names the kind of failure (error.data.reason); the user reads it in their language. */
const SERVER_ERRORS: Record<AppErrorReason, keyof Messages["accounts"]["serverErrors"]> = {
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
  marketplace: MarketplaceName;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  error?: string;
  disabled: boolean;
  t: Messages["accounts"];
}) {
  const baseId = useId();
  const { fields, hint } = CREDENTIAL_FIELDS[marketplace];
  return (
    <div className="space-y-3">
      {fields.map((field, index) => (
        <Field
          key={field.key}
          id={`${baseId}-${field.key}`}
          label={t.credentials[field.label]}
          hint={index === fields.length - 1 ? t.credentials[hint] : undefined}
          error={index === fields.length - 1 ? error : undefined}
        >
          <input
            id={`${baseId}-${field.key}`}
            name={field.key}
            type={field.secret ? "password" : "text"}
            // Keeps browsers from offering the user's own passwords for marketplace keys.
            autoComplete={field.secret ? "new-password" : "off"}
            spellCheck={false}
            required
            disabled={disabled}
            value={values[field.key] ?? ""}
            onChange={(event) => onChange({ ...values, [field.key]: event.target.value })}
            className={inputClass}
          />
        </Field>
      ))}
    </div>
  );
}

function onlyFieldsOf(marketplace: MarketplaceName, values: Record<string, string>) {
  return Object.fromEntries(CREDENTIAL_FIELDS[marketplace].fields.map((field) => [field.key, (values[field.key] ?? "").trim()]));
}

export function AddAccountForm({
  sellerId,
  allowCustomBaseUrl,
  onDone,
  onCancel,
  t,
}: {
  sellerId: string;
  allowCustomBaseUrl: boolean;
  onDone: () => void;
  onCancel: () => void;
  t: Messages;
}) {
  const trpc = useTRPC();
  const id = useId();
  const [marketplace, setMarketplace] = useState<MarketplaceName>("wildberries");
  const [displayName, setDisplayName] = useState("");
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [baseUrl, setBaseUrl] = useState("");
  const create = useMutation(trpc.account.create.mutationOptions({ onSuccess: onDone }));
  const a = t.accounts;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({
      sellerId,
      marketplace,
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
              value={marketplace}
              disabled={pending}
              onChange={(event) => {
                setMarketplace(event.target.value as MarketplaceName);
                setCredentials({});
              }}
              className={inputClass}
            >
              {MARKETPLACES.map((name) => (
                <option key={name} value={name}>
                  {t.marketplace[name]}
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
        <CredentialInputs
          marketplace={marketplace}
          values={credentials}
          onChange={setCredentials}
          error={fieldError(create.error, "credentials")}
          disabled={pending}
          t={a}
        />
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
          <Button type="submit" disabled={pending}>
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
  marketplace: MarketplaceName;
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
