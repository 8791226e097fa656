// Frame of the user's own pages: the header without a current seller.
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppHeader } from "~/components/app-header";
import { getSessionUserId } from "~/server/auth";

export default async function AccountLayout({ children }: { children: ReactNode }) {
  if (!(await getSessionUserId())) redirect("/signin");
  return (
    <div className="min-h-screen">
      <AppHeader sellerId={null} />
      <main className="mx-auto max-w-3xl px-4 py-6">{children}</main>
    </div>
  );
}
