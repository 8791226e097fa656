"use client";
// The members page: the list of members with their roles (owners change roles and remove members;
// the seller's only owner is shown as such, and the server refuses it too), the invite form (the link
// is shown once to copy, or mailed when the server has SMTP_URL) and the open invitations with revoke.
import type { RouterOutputs } from "@inbox/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent } from "react";
import { useMessages } from "~/i18n/client";
import { useTRPC } from "~/trpc/client";
import { formatDateTime } from "./format";
import { fill, serverErrorMessage } from "./server-error";
import { Badge, Button, Card, Field, inputClass } from "./ui";

type Team = RouterOutputs["team"]["list"];
type Role = Team["members"][number]["role"];
type Invited = RouterOutputs["team"]["invite"];
const ROLES: Role[] = ["OWNER", "AGENT", "VIEWER"];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function formatDate(date: Date, locale: string) {
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "Europe/Moscow",
  }).format(date);
}

export function TeamPanel({ sellerId, initialTeam, currentUserId }: { sellerId: string; initialTeam: Team; currentUserId: string }) {
  const { t, locale } = useMessages();
  const tt = t.team;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: team } = useQuery({ ...trpc.team.list.queryOptions({ sellerId }), initialData: initialTeam });
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.team.list.queryKey({ sellerId }) });
  const onError = (caught: unknown) => setError(serverErrorMessage(caught, t));
  const changeRole = useMutation(trpc.team.changeRole.mutationOptions({ onSuccess: refresh, onError }));
  const remove = useMutation(trpc.team.remove.mutationOptions({ onSuccess: refresh, onError }));
  const revoke = useMutation(trpc.team.revokeInvitation.mutationOptions({ onSuccess: refresh, onError }));
  const owners = team.members.filter((member) => member.role === "OWNER").length;

  return (
    <div className="space-y-4">
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {error}
        </p>
      )}
      <Card className="divide-y divide-slate-100">
        <ul aria-label={tt.title} data-testid="members">
          {team.members.map((member) => {
            const lastOwner = member.role === "OWNER" && owners === 1;
            return (
              <li key={member.userId} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3" data-testid="member">
                <div className="min-w-0 flex-1 basis-48">
                  <p className="truncate text-sm font-medium">
                    {member.name}
                    {member.userId === currentUserId && <span className="ml-1 font-normal text-slate-500">({tt.you})</span>}
                  </p>
                  <p className="truncate text-xs text-slate-500">
                    {member.email} · {tt.joined} {formatDate(member.joinedAt, locale)}
                  </p>
                </div>
                {team.canManage && !lastOwner ? (
                  <>
                    <select
                      aria-label={fill(tt.roleOf, { name: member.name })}
                      value={member.role}
                      disabled={changeRole.isPending}
                      onChange={(event) => {
                        setError(null);
                        changeRole.mutate({ sellerId, userId: member.userId, role: event.target.value as Role });
                      }}
                      className="min-h-9 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {tt.roles[role]}
                        </option>
                      ))}
                    </select>
                    <Button
                      variant="ghost"
                      className="min-h-9"
                      disabled={remove.isPending}
                      onClick={() => {
                        setError(null);
                        if (window.confirm(fill(tt.confirmRemove, { name: member.name })))
                          remove.mutate({ sellerId, userId: member.userId });
                      }}
                    >
                      {tt.remove}
                      <span className="sr-only"> {member.name}</span>
                    </Button>
                  </>
                ) : (
                  <span className="flex items-center gap-2">
                    <Badge tone={member.role === "OWNER" ? "violet" : member.role === "AGENT" ? "blue" : "neutral"}>
                      {tt.roles[member.role]}
                    </Badge>
                    {team.canManage && lastOwner && <span className="text-xs text-slate-500">{tt.lastOwner}</span>}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </Card>

      {team.canManage && (
        <>
          <InviteForm sellerId={sellerId} onInvited={refresh} />
          <Card className="p-4">
            <h2 className="text-base font-medium">{tt.pendingTitle}</h2>
            {team.invitations.length === 0 ? (
              <p className="mt-2 text-sm text-slate-500">{tt.pendingEmpty}</p>
            ) : (
              <ul className="mt-2 divide-y divide-slate-100" data-testid="invitations">
                {team.invitations.map((invitation) => (
                  <li key={invitation.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2" data-testid="invitation">
                    <div className="min-w-0 flex-1 basis-48">
                      <p className="truncate text-sm">{invitation.email}</p>
                      <p className="text-xs text-slate-500">
                        {tt.roles[invitation.role]} · {fill(tt.expires, { date: formatDateTime(invitation.expiresAt, locale) })}
                        {invitation.invitedBy && <> · {fill(tt.invitedBy, { name: invitation.invitedBy })}</>}
                      </p>
                    </div>
                    <Button
                      variant="secondary"
                      className="min-h-9"
                      disabled={revoke.isPending}
                      onClick={() => {
                        setError(null);
                        if (window.confirm(fill(tt.confirmRevoke, { email: invitation.email })))
                          revoke.mutate({ sellerId, invitationId: invitation.id });
                      }}
                    >
                      {tt.revoke}
                      <span className="sr-only"> {invitation.email}</span>
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </>
      )}
    </div>
  );
}

function InviteForm({ sellerId, onInvited }: { sellerId: string; onInvited: () => Promise<void> }) {
  const { t, locale } = useMessages();
  const tt = t.team;
  const trpc = useTRPC();
  const ids = useId();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("AGENT");
  const [error, setError] = useState<string | null>(null);
  const [invited, setInvited] = useState<Invited | null>(null);
  const [copied, setCopied] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const invite = useMutation(
    trpc.team.invite.mutationOptions({
      onSuccess: async (result) => {
        setInvited(result);
        setCopied(false);
        setEmail("");
        await onInvited();
        resultRef.current?.focus();
      },
      onError: (caught) => setError(serverErrorMessage(caught, t)),
    }),
  );
  const link = invited?.path ? `${window.location.origin}${invited.path}` : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!EMAIL.test(email.trim())) {
      setError(tt.emailInvalid);
      emailRef.current?.focus();
      return;
    }
    setError(null);
    setInvited(null);
    invite.mutate({ sellerId, email: email.trim(), role });
  }

  return (
    <Card className="space-y-4 p-4">
      <h2 className="text-base font-medium">{tt.inviteTitle}</h2>
      <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1 basis-56">
          <Field id={`${ids}-email`} label={tt.inviteEmail} error={error ?? undefined}>
            <input
              ref={emailRef}
              id={`${ids}-email`}
              type="email"
              autoComplete="off"
              placeholder={tt.inviteEmailPlaceholder}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${ids}-email-error` : undefined}
              maxLength={320}
              className={inputClass}
            />
          </Field>
        </div>
        {/* Full width on a phone: the options' hints are longer than a 390 px screen. */}
        <div className="w-full min-w-0 sm:w-auto sm:max-w-xs">
          <Field id={`${ids}-role`} label={tt.inviteRole}>
            <select
              id={`${ids}-role`}
              value={role}
              onChange={(event) => setRole(event.target.value as Role)}
              className="block min-h-9 w-full rounded-md border border-slate-300 bg-white px-2 py-2 text-sm"
            >
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {tt.roles[option]} — {tt.roleHints[option]}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Button type="submit" disabled={invite.isPending}>
          {invite.isPending ? tt.inviting : tt.invite}
        </Button>
      </form>
      {invited && (
        <div
          ref={resultRef}
          tabIndex={-1}
          role="status"
          className="space-y-2 rounded-lg border border-emerald-200 bg-emerald-50 p-3 text-sm"
          data-testid="invite-result"
        >
          {link ? (
            <>
              <p className="font-medium">{fill(tt.linkTitle, { email: invited.invitation.email })}</p>
              <p className="text-emerald-900">
                {fill(invited.mailFailed ? tt.mailFailed : tt.linkHint, { date: formatDateTime(invited.invitation.expiresAt, locale) })}
              </p>
              <div className="flex flex-wrap gap-2">
                <input
                  readOnly
                  aria-label={fill(tt.linkTitle, { email: invited.invitation.email })}
                  value={link}
                  onFocus={(event) => event.currentTarget.select()}
                  className={`${inputClass} min-w-0 flex-1 basis-56 font-mono text-xs`}
                  data-testid="invite-link"
                />
                <Button
                  variant="secondary"
                  onClick={async () => {
                    await navigator.clipboard?.writeText(link).catch(() => undefined);
                    setCopied(true);
                  }}
                >
                  {copied ? tt.copied : tt.copy}
                </Button>
                <Button variant="ghost" onClick={() => setInvited(null)}>
                  {tt.done}
                </Button>
              </div>
            </>
          ) : (
            <p>{fill(tt.emailed, { email: invited.invitation.email, date: formatDateTime(invited.invitation.expiresAt, locale) })}</p>
          )}
        </div>
      )}
    </Card>
  );
}
