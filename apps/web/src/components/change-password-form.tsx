"use client";
// The account page's password change (session.changePassword): checked here first so the common
// mistakes get an answer at once, then on the server, which also ends every session of the user.
// On success this browser's cookie is cleared too, and the user signs in again with the new password.
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useMessages } from "~/i18n/client";
import { useTRPC } from "~/trpc/client";
import { fill, serverErrorMessage } from "./server-error";
import { Button, Field, inputClass } from "./ui";

export function ChangePasswordForm({ length }: { length: { min: number; max: number } }) {
  const { t } = useMessages();
  const a = t.account;
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const mutation = useMutation(
    trpc.session.changePassword.mutationOptions({
      onSuccess: async () => {
        await signOut({ redirect: false });
        setDone(true);
      },
      onError: (caught) => setError(serverErrorMessage(caught, t)),
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const current = String(form.get("current") ?? "");
    const next = String(form.get("next") ?? "");
    const confirm = String(form.get("confirm") ?? "");
    const problem = !current
      ? a.currentMissing
      : next.length < length.min
        ? fill(a.tooShort, length)
        : next.length > length.max
          ? fill(a.tooLong, length)
          : next !== confirm
            ? a.mismatch
            : null;
    setError(problem);
    if (!problem) mutation.mutate({ current, next });
  }

  if (done) {
    return (
      <div className="space-y-3">
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {a.done}
        </p>
        <Link href="/signin" className="text-sm font-medium text-brand-600 hover:underline">
          {a.signInAgain}
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="max-w-sm space-y-4" noValidate>
      <Field id="current-password" label={a.current}>
        <input id="current-password" name="current" type="password" autoComplete="current-password" required className={inputClass} />
      </Field>
      <Field id="new-password" label={a.next} hint={fill(a.nextHint, length)}>
        <input
          id="new-password"
          name="next"
          type="password"
          autoComplete="new-password"
          required
          minLength={length.min}
          maxLength={length.max}
          className={inputClass}
        />
      </Field>
      <Field id="confirm-password" label={a.confirm}>
        <input id="confirm-password" name="confirm" type="password" autoComplete="new-password" required className={inputClass} />
      </Field>
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {error}
        </p>
      )}
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? a.submitting : a.submit}
      </Button>
    </form>
  );
}
