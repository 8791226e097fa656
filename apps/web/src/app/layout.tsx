import type { Metadata } from "next";
import type { ReactNode } from "react";
import { LocaleProvider } from "~/i18n/client";
import { getLocale } from "~/i18n/server";
import { TRPCReactProvider } from "~/trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: "Marketplace Inbox",
  description: "Reviews, questions and buyer chats from Wildberries and Ozon in one inbox",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body className="min-h-screen">
        <TRPCReactProvider>
          <LocaleProvider locale={locale}>{children}</LocaleProvider>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
