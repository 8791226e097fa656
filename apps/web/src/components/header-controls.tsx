"use client";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";

export function SellerSwitcher({
  sellers,
  current,
  label,
}: {
  sellers: Array<{ id: string; name: string }>;
  current: string;
  label: string;
}) {
  const router = useRouter();
  return (
    <label className="flex items-center gap-2 text-sm text-slate-600">
      <span className="sr-only">{label}</span>
      <select
        aria-label={label}
        value={current}
        onChange={(event) => router.push(`/s/${event.target.value}`)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 shadow-sm"
      >
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
    <button type="button" onClick={() => signOut({ callbackUrl: "/signin" })} className="text-sm text-slate-600 hover:text-slate-900">
      {label}
    </button>
  );
}
