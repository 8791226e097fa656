"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "~/trpc/client";

/**
 * Switches the UI language. Signed in, it stores the choice on the user (every device follows);
 * the cookie keeps it for the pages before sign-in.
 */
export function LocaleSwitch({ locale, label, signedIn = false }: { locale: string; label: string; signedIn?: boolean }) {
  const router = useRouter();
  const trpc = useTRPC();
  const save = useMutation(trpc.profile.update.mutationOptions());
  return (
    <button
      type="button"
      disabled={save.isPending}
      className="text-sm text-slate-500 underline-offset-4 hover:text-slate-900 hover:underline disabled:opacity-50"
      onClick={async () => {
        const next = locale === "ru" ? "en" : "ru";
        document.cookie = `inbox-locale=${next}; path=/; max-age=31536000; samesite=lax`;
        if (signedIn) await save.mutateAsync({ locale: next }).catch(() => undefined);
        router.refresh();
      }}
    >
      {label}
    </button>
  );
}
