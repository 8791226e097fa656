import type { Metadata } from "next";
import type { ReactNode } from "react";
import { getLocale } from "~/i18n/server";
import { TRPCReactProvider } from "~/trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: "Marketplace Inbox",
  description: "Reviews, questions and buyer chats from Wildberries and Ozon in one inbox",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang={await getLocale()}>
      <body className="min-h-screen">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
