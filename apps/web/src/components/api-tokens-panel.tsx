"use client";
// A seller's API tokens: the create form (the secret is shown once, with a copy button) and the
// list with scopes, expiry, last use (time and address) and revoke.
import type { RouterOutputs } from "@inbox/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Messages } from "~/i18n/messages";
import { useTRPC } from "~/trpc/client";
import { formatDateTime } from "./format";
import { Badge, Button, Card, inputClass } from "./ui";

type ApiToken = RouterOutputs["apiToken"]["list"][number];
type Scope = ApiToken["scopes"][number];
const SCOPES: Scope[] = ["read", "reply", "manage"];
const EXPIRY_DAYS = ["never", "7", "30", "90", "365"] as const;

function fill(template: string, values: Record<string, string>) {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}

export function ApiTokensPanel({
  sellerId,
  initialTokens,
  locale,
  t,
}: {
  sellerId: string;
  initialTokens: ApiToken[];
  locale: string;
  t: Messages;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: tokens } = useQuery({ ...trpc.apiToken.list.queryOptions({ sellerId }), initialData: initialTokens });
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Set<Scope>>(new Set(["read"]));
  const [expiry, setExpiry] = useState<(typeof EXPIRY_DAYS)[number]>("90");
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiToken.list.queryKey({ sellerId }) });

  const create = useMutation(
    trpc.apiToken.create.mutationOptions({
      onSuccess: async (created) => {
        setSecret(created.token);
        setCopied(false);
        setName("");
        setError(null);
        await refresh();
      },
      onError: (failure) => setError(failure.message),
    }),
  );
  const revoke = useMutation(trpc.apiToken.revoke.mutationOptions({ onSuccess: refresh, onError: (failure) => setError(failure.message) }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const expiresAt = expiry === "never" ? null : new Date(Date.now() + Number(expiry) * 86_400_000);
    create.mutate({ sellerId, name, scopes: SCOPES.filter((scope) => scopes.has(scope)), expiresAt });
  }

  function toggle(scope: Scope) {
    const next = new Set(scopes);
    if (next.has(scope)) next.delete(scope);
    else next.add(scope);
    setScopes(next);
  }

  const a = t.apiTokens;
  const now = Date.now();
  return (
    <div className="space-y-4">
      <Card className="p-4">
        <h2 className="font-medium">{a.createTitle}</h2>
        <form onSubmit={submit} className="mt-3 grid gap-3 sm:grid-cols-2">
          <label className="text-sm">
            <span className="mb-1 block text-slate-600">{a.name}</span>
            <input
              className={inputClass}
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder={a.namePlaceholder}
              maxLength={100}
              required
            />
          </label>
          <label className="text-sm">
            <span className="mb-1 block text-slate-600">{a.expires}</span>
            <select
              className={inputClass}
              value={expiry}
              onChange={(event) => setExpiry(event.target.value as (typeof EXPIRY_DAYS)[number])}
            >
              {EXPIRY_DAYS.map((days) => (
                <option key={days} value={days}>
                  {a.expiryOptions[days]}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="text-sm sm:col-span-2">
            <legend className="mb-1 text-slate-600">{a.scopes}</legend>
            <div className="flex flex-wrap gap-4">
              {SCOPES.map((scope) => (
                <label key={scope} className="flex items-center gap-2">
                  <input type="checkbox" checked={scopes.has(scope)} onChange={() => toggle(scope)} />
                  <span>
                    {a.scopeLabels[scope]} <span className="text-slate-500">({a.scopeHints[scope]})</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="sm:col-span-2">
            <Button type="submit" disabled={create.isPending || scopes.size === 0 || !name.trim()}>
              {a.create}
            </Button>
          </div>
        </form>
        {secret && (
          <div role="status" className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
            <p className="font-medium text-amber-900">{a.createdOnce}</p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code data-testid="new-api-token" className="rounded bg-white px-2 py-1 font-mono text-xs break-all">
                {secret}
              </code>
              <Button
                type="button"
                variant="secondary"
                onClick={async () => {
                  await navigator.clipboard.writeText(secret);
                  setCopied(true);
                }}
              >
                {copied ? a.copied : a.copy}
              </Button>
              <Button type="button" variant="ghost" onClick={() => setSecret(null)}>
                {a.done}
              </Button>
            </div>
          </div>
        )}
        {error && (
          <p role="alert" className="mt-3 text-sm text-rose-700">
            {a.failed}: {error}
          </p>
        )}
      </Card>

      <Card className="overflow-x-auto">
        {tokens.length === 0 ? (
          <p className="p-4 text-sm text-slate-500">{a.empty}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">{a.columns.name}</th>
                <th className="px-4 py-2 font-medium">{a.columns.prefix}</th>
                <th className="px-4 py-2 font-medium">{a.columns.scopes}</th>
                <th className="px-4 py-2 font-medium">{a.columns.lastUsed}</th>
                <th className="px-4 py-2 font-medium">{a.columns.expires}</th>
                <th className="px-4 py-2 font-medium">{a.columns.status}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => {
                const expired = token.expiresAt !== null && token.expiresAt.getTime() <= now;
                return (
                  <tr key={token.id} className="border-b border-slate-100 last:border-0" data-testid="api-token-row">
                    <td className="px-4 py-2">
                      <div className="font-medium">{token.name}</div>
                      {token.createdBy && <div className="text-xs text-slate-500">{fill(a.createdBy, { name: token.createdBy.name })}</div>}
                    </td>
                    <td className="px-4 py-2 font-mono text-xs">{token.prefix}…</td>
                    <td className="px-4 py-2">{token.scopes.map((scope) => a.scopeLabels[scope]).join(", ")}</td>
                    <td className="px-4 py-2">
                      {token.lastUsedAt ? `${formatDateTime(token.lastUsedAt, locale)} · ${token.lastUsedIp ?? ""}` : a.never}
                    </td>
                    <td className="px-4 py-2">{token.expiresAt ? formatDateTime(token.expiresAt, locale) : a.noExpiry}</td>
                    <td className="px-4 py-2 text-right">
                      {token.revokedAt ? (
                        <Badge tone="neutral">{a.revoked}</Badge>
                      ) : expired ? (
                        <Badge tone="amber">{a.expired}</Badge>
                      ) : (
                        <Button
                          type="button"
                          variant="secondary"
                          disabled={revoke.isPending}
                          onClick={() => {
                            if (window.confirm(fill(a.confirmRevoke, { name: token.name }))) revoke.mutate({ sellerId, tokenId: token.id });
                          }}
                        >
                          {a.revoke}
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
