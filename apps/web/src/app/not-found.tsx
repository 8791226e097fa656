import Link from "next/link";
import { buttonClass } from "~/components/ui";
import { getMessages } from "~/i18n/server";

export default async function NotFound() {
  const { t } = await getMessages();
  return (
    <main className="mx-auto mt-24 max-w-md text-center">
      <h1 className="text-2xl font-semibold">{t.notFound.title}</h1>
      <p className="mt-2 text-slate-600">{t.notFound.text}</p>
      <Link href="/" className={buttonClass("secondary", "mt-6")}>
        {t.notFound.home}
      </Link>
    </main>
  );
}
