import { redirect } from "next/navigation";
import { getSessionUserId } from "~/server/auth";
import { getSellers } from "~/trpc/server";
import { getMessages } from "~/i18n/server";

export default async function HomePage() {
  if (!(await getSessionUserId())) redirect("/signin");
  const sellers = await getSellers();
  if (sellers[0]) redirect(`/s/${sellers[0].id}`);
  const { t } = await getMessages();
  return <p className="mx-auto mt-24 max-w-md text-center text-slate-600">{t.inbox.noSellers}</p>;
}
