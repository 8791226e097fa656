import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppHeader } from "~/components/app-header";
import { getSessionUserId } from "~/server/auth";
import { getSellers } from "~/trpc/server";

export default async function SellerLayout({ children, params }: { children: ReactNode; params: Promise<{ sellerId: string }> }) {
  if (!(await getSessionUserId())) redirect("/signin");
  const { sellerId } = await params;
  const sellers = await getSellers();
  if (!sellers.some((seller) => seller.id === sellerId)) notFound();

  return (
    <div className="min-h-screen">
      <AppHeader sellerId={sellerId} />
      {/* The inbox uses the full width (split view); item and accounts pages narrow it in their layouts. */}
      <main className="mx-auto max-w-[100rem] px-3 py-4 sm:px-4 sm:py-6">{children}</main>
    </div>
  );
}
