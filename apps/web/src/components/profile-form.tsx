"use client";
// The account page's name and interface language (profile.update). The language is the user's own
// default on every device; the page re-renders in it at once.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { Locale } from "~/i18n/messages";
import { useMessages } from "~/i18n/client";
import { useTRPC } from "~/trpc/client";
import { serverErrorMessage } from "./server-error";
import { Button, Field, inputClass } from "./ui";

export function ProfileForm({ initial }: { initial: { name: string; email: string; locale: Locale } }) {
  const { t } = useMessages();
  const p = t.profile;
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(initial.name);
  const [locale, setLocale] = useState<Locale>(initial.locale);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.profile.update.mutationOptions({
      onSuccess: (profile) => {
        document.cookie = `inbox-locale=${profile.locale}; path=/; max-age=31536000; samesite=lax`;
        setSaved(true);
        router.refresh();
      },
      onError: (caught) => setError(serverErrorMessage(caught, t)),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    if (!name.trim()) {
      setError(p.nameMissing);
      return;
    }
    setError(null);
    save.mutate({ name: name.trim(), locale });
  }

  return (
    <form onSubmit={submit} className="max-w-sm space-y-4" noValidate>
      <Field id="profile-email" label={p.email}>
        <input id="profile-email" value={initial.email} readOnly className={`${inputClass} bg-slate-50 text-slate-600`} />
      </Field>
      <Field id="profile-name" label={p.name} error={error ?? undefined}>
        <input
          id="profile-name"
          name="name"
          autoComplete="name"
          required
          maxLength={100}
          value={name}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "profile-name-error" : undefined}
          className={inputClass}
        />
      </Field>
      <Field id="profile-locale" label={p.language}>
        <select
          id="profile-locale"
          value={locale}
          onChange={(event) => setLocale(event.target.value as Locale)}
          className="block min-h-9 w-full rounded-md border border-slate-300 bg-white px-2 py-2 text-sm"
        >
          {(["ru", "en"] as const).map((option) => (
            <option key={option} value={option}>
              {p.languages[option]}
            </option>
          ))}
        </select>
      </Field>
      {saved && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {p.saved}
        </p>
      )}
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? p.saving : p.save}
      </Button>
    </form>
  );
}
