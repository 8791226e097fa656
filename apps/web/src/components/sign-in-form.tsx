"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { Messages } from "~/i18n/messages";
import { Button } from "./ui";

/** next-auth's error text for a throttled sign-in: "THROTTLED:<seconds>" (see server/auth.ts). */
const THROTTLED = /^THROTTLED:(\d+)$/;

export function SignInForm({
  t,
  throttled,
  next = "/",
}: {
  t: Messages["signIn"];
  throttled: Messages["security"]["throttled"];
  /** Where to go once signed in (checked by the page: a path of this app). */
  next?: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (result?.ok) {
      router.replace(next);
      router.refresh();
    } else {
      const wait = THROTTLED.exec(result?.error ?? "");
      setError(wait ? throttled.replace("{minutes}", String(Math.max(1, Math.ceil(Number(wait[1]) / 60)))) : t.invalid);
    }
  }

  const field =
    "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600";
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <label className="block text-sm font-medium text-slate-700">
        {t.email}
        <input name="email" type="email" autoComplete="username" required className={field} />
      </label>
      <label className="block text-sm font-medium text-slate-700">
        {t.password}
        <input name="password" type="password" autoComplete="current-password" required className={field} />
      </label>
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {error}
        </p>
      )}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? t.submitting : t.submit}
      </Button>
    </form>
  );
}
