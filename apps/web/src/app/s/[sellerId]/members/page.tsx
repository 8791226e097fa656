// The seller's members: every member sees the list; owners invite, change roles, remove and revoke.
import { TeamPanel } from "~/components/team-panel";
import { getMessages } from "~/i18n/server";
import { getSessionUserId } from "~/server/auth";
import { orNotFound } from "~/server/not-found";
import { getServerCaller } from "~/trpc/server";

export default async function MembersPage({ params }: { params: Promise<{ sellerId: string }> }) {
  const { sellerId } = await params;
  const [{ t }, userId] = await Promise.all([getMessages(), getSessionUserId()]);
  const team = await orNotFound((await getServerCaller()).team.list({ sellerId }));
  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <div>
        <h1 className="text-xl font-semibold">{t.team.title}</h1>
        <p className="mt-1 text-sm text-slate-500">{team.canManage ? t.team.subtitle : t.team.readOnly}</p>
      </div>
      <TeamPanel sellerId={sellerId} initialTeam={team} currentUserId={userId ?? ""} />
    </div>
  );
}
