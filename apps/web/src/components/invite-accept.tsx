"use client";
// The invitation page's actions: accept as the signed-in user (invitation.accept), or create the
// account (a server action) and sign in with it; then open the seller's inbox.
import { useMutation } from "@tanstack/react-query";
import { signIn, signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { acceptWithNewAccount } from "~/app/invite/[token]/actions";
import { useMessages } from "~/i18n/client";
import { useTRPC } from "~/trpc/client";
import { fill, serverErrorMessage } from "./server-error";
import { Button, Field, inputClass } from "./ui";

export function AcceptInvitationButton({ token }: { token: string }) {
  const { t } = useMessages();
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const accept = useMutation(
    trpc.invitation.accept.mutationOptions({
      onSuccess: ({ sellerId }) => {
        router.push(`/s/${sellerId}`);
        router.refresh();
      },
      onError: (caught) => setError(serverErrorMessage(caught, t)),
    }),
  );
  return (
    <div className="space-y-3">
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {error}
        </p>
      )}
      <Button onClick={() => accept.mutate({ token })} disabled={accept.isPending || accept.isSuccess}>
        {accept.isPending ? t.invite.accepting : t.invite.accept}
      </Button>
    </div>
  );
}

export function InviteSignOutButton({ label, callbackUrl }: { label: string; callbackUrl: string }) {
  return (
    <Button variant="secondary" onClick={() => signOut({ callbackUrl })}>
      {label}
    </Button>
  );
}

export function NewAccountForm({ token, email, length }: { token: string; email: string; length: { min: number; max: number } }) {
  const { t } = useMessages();
  const ti = t.invite;
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const confirm = String(form.get("confirm") ?? "");
    const problem = !name
      ? ti.nameMissing
      : password.length < length.min
        ? fill(t.account.tooShort, length)
        : password.length > length.max
          ? fill(t.account.tooLong, length)
          : password !== confirm
            ? t.account.mismatch
            : null;
    setError(problem);
    if (problem) return;
    setPending(true);
    try {
      const result = await acceptWithNewAccount({ token, name, password });
      if (!result.ok) {
        setError(result.reason === "invalid_input" ? t.serverError.BAD_REQUEST! : (t.serverError[result.reason] ?? t.serverError.generic!));
        return;
      }
      const signedIn = await signIn("credentials", { email: result.email, password, redirect: false });
      router.push(signedIn?.ok ? `/s/${result.sellerId}` : "/signin");
      router.refresh();
    } catch {
      setError(t.serverError.network!);
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <Field id="invite-email" label={t.profile.email}>
        <input id="invite-email" value={email} readOnly autoComplete="username" className={`${inputClass} bg-slate-50 text-slate-600`} />
      </Field>
      <Field id="invite-name" label={ti.name}>
        <input id="invite-name" name="name" autoComplete="name" required maxLength={100} className={inputClass} />
      </Field>
      <Field id="invite-password" label={ti.password} hint={fill(ti.passwordHint, length)}>
        <input
          id="invite-password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={length.min}
          maxLength={length.max}
          className={inputClass}
        />
      </Field>
      <Field id="invite-confirm" label={ti.confirm}>
        <input id="invite-confirm" name="confirm" type="password" autoComplete="new-password" required className={inputClass} />
      </Field>
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {error}
        </p>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? ti.creating : ti.create}
      </Button>
    </form>
  );
}
