import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppHeader } from "~/components/app-header";
import { getSessionUserId } from "~/server/auth";

export default async function AllSellersLayout({ children }: { children: ReactNode }) {
  if (!(await getSessionUserId())) redirect("/signin");
  return (
    <div className="min-h-screen">
      <AppHeader sellerId={null} />
      <main className="mx-auto max-w-[100rem] px-3 py-4 sm:px-4 sm:py-6">{children}</main>
    </div>
  );
}
