"use client";
import { useRouter } from "next/navigation";

/** Switches the UI language (stored in a cookie read by the server). */
export function LocaleSwitch({ locale, label }: { locale: string; label: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="text-sm text-slate-500 underline-offset-4 hover:text-slate-900 hover:underline"
      onClick={() => {
        document.cookie = `inbox-locale=${locale === "ru" ? "en" : "ru"}; path=/; max-age=31536000; samesite=lax`;
        router.refresh();
      }}
    >
      {label}
    </button>
  );
}
