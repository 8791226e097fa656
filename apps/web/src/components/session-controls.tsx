"use client";
// "Sign out everywhere": raises the user's session version (every device's session ends), then
// clears this browser's cookie.
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useTRPC } from "~/trpc/client";

export function SignOutEverywhereButton({ label, confirm }: { label: string; confirm: string }) {
  const trpc = useTRPC();
  const mutation = useMutation(trpc.session.signOutEverywhere.mutationOptions({ onSuccess: () => signOut({ callbackUrl: "/signin" }) }));
  return (
    <button
      type="button"
      disabled={mutation.isPending}
      onClick={() => {
        if (window.confirm(confirm)) mutation.mutate();
      }}
      className="text-sm text-slate-600 hover:text-slate-900 disabled:opacity-50"
    >
      {label}
    </button>
  );
}
