import { redirect } from "next/navigation";
import { SignInForm } from "~/components/sign-in-form";
import { Card } from "~/components/ui";
import { getMessages } from "~/i18n/server";
import { getSessionUserId } from "~/server/auth";
import { LocaleSwitch } from "~/components/locale-switch";

/** Where to go after signing in: a path of this app only (an invitation link, for example). */
function safeNext(value: string | string[] | undefined): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  if (await getSessionUserId()) redirect(next);
  const { t, locale } = await getMessages();
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4">
      <div className="mb-6 text-center">
        <h1 className="text-2xl font-semibold tracking-tight">{t.app.name}</h1>
        <p className="mt-1 text-sm text-slate-600">{t.app.tagline}</p>
      </div>
      <Card className="p-6">
        <h2 className="mb-4 text-lg font-medium">{t.signIn.title}</h2>
        <SignInForm t={t.signIn} throttled={t.security.throttled} next={next} />
      </Card>
      <div className="mt-4 text-center">
        <LocaleSwitch locale={locale} label={t.nav.language} />
      </div>
    </main>
  );
}
