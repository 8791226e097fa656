"use client";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";

export function SellerSwitcher({
  sellers,
  current,
  label,
  allLabel,
}: {
  sellers: Array<{ id: string; name: string }>;
  /** The seller shown, or null on the inbox over all sellers. */
  current: string | null;
  label: string;
  /** The option that opens the inbox over all sellers. */
  allLabel: string;
}) {
  const router = useRouter();
  return (
    <label className="flex items-center gap-2 text-sm text-slate-600">
      <span className="sr-only">{label}</span>
      <select
        aria-label={label}
        value={current ?? ""}
        onChange={(event) => router.push(event.target.value ? `/s/${event.target.value}` : "/inbox")}
        className="max-w-[12rem] min-h-9 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 shadow-sm"
      >
        <option value="">{allLabel}</option>
        {sellers.map((seller) => (
          <option key={seller.id} value={seller.id}>
            {seller.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function SignOutButton({ label }: { label: string }) {
  return (
    <button
      type="button"
      onClick={() => signOut({ callbackUrl: "/signin" })}
      className="min-h-9 text-sm text-slate-600 hover:text-slate-900"
    >
      {label}
    </button>
  );
}
