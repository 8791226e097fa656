// An invitation link: whoever holds it sees what it is for. A signed-in user whose address it was
// sent to accepts with one click; someone new chooses a name and password; an expired, revoked or
// used link says what to do instead.
import { describeInvitationLink, PASSWORD_LENGTH } from "@inbox/api";
import Link from "next/link";
import { AcceptInvitationButton, InviteSignOutButton, NewAccountForm } from "~/components/invite-accept";
import { LocaleSwitch } from "~/components/locale-switch";
import { fill } from "~/components/server-error";
import { Card, buttonClass } from "~/components/ui";
import { getMessages } from "~/i18n/server";
import { getSessionUserId } from "~/server/auth";
import { getServerCaller } from "~/trpc/server";

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [{ t, locale }, invitation, userId] = await Promise.all([getMessages(), describeInvitationLink(token), getSessionUserId()]);
  const ti = t.invite;
  const me = userId ? await (await getServerCaller()).profile.get().catch(() => null) : null;
  const signInHref = `/signin?next=${encodeURIComponent(`/invite/${token}`)}`;

  let body;
  if (invitation.state !== "open") {
    body = (
      <>
        <p role="alert" className="text-sm text-slate-700">
          {ti.states[invitation.state]}
        </p>
        <Link href={me ? "/" : "/signin"} className={buttonClass("secondary")}>
          {me ? t.nav.inbox : ti.goToSignIn}
        </Link>
      </>
    );
  } else if (me && me.email.toLowerCase() === invitation.email) {
    body = <AcceptInvitationButton token={token} />;
  } else if (me) {
    body = (
      <>
        <p role="alert" className="text-sm text-slate-700">
          {fill(ti.wrongAccount, { current: me.email, email: invitation.email ?? "" })}
        </p>
        <InviteSignOutButton label={ti.signOut} callbackUrl={`/invite/${token}`} />
      </>
    );
  } else if (invitation.accountExists) {
    body = (
      <>
        <p className="text-sm text-slate-700">{ti.signInToAccept}</p>
        <Link href={signInHref} className={buttonClass("primary")}>
          {ti.signIn}
        </Link>
      </>
    );
  } else {
    body = (
      <>
        <h2 className="text-base font-medium">{ti.createTitle}</h2>
        <NewAccountForm token={token} email={invitation.email ?? ""} length={{ min: PASSWORD_LENGTH.min, max: PASSWORD_LENGTH.max }} />
      </>
    );
  }

  const role = invitation.role ? t.team.roles[invitation.role] : "";
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-8">
      <p className="mb-4 text-center text-lg font-semibold tracking-tight">{t.app.name}</p>
      <Card className="space-y-4 p-6">
        <h1 className="text-xl font-semibold">{ti.title}</h1>
        {invitation.state === "open" && (
          <div className="space-y-1 text-sm text-slate-700">
            <p>
              {invitation.invitedBy
                ? fill(ti.intro, { inviter: invitation.invitedBy, seller: invitation.sellerName ?? "", role })
                : fill(ti.introNoInviter, { seller: invitation.sellerName ?? "", role })}
            </p>
            <p className="text-slate-500">{fill(ti.forEmail, { email: invitation.email ?? "" })}</p>
          </div>
        )}
        {body}
      </Card>
      <div className="mt-4 text-center">
        <LocaleSwitch locale={locale} label={t.nav.language} signedIn={me !== null} />
      </div>
    </main>
  );
}
