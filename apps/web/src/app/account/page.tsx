// The signed-in user's account: name and interface language, and the password change
// (docs/security.md, "Revocation").
import { PASSWORD_LENGTH } from "@inbox/api";
import { ChangePasswordForm } from "~/components/change-password-form";
import { ProfileForm } from "~/components/profile-form";
import { Card } from "~/components/ui";
import { getMessages } from "~/i18n/server";
import { orNotFound } from "~/server/not-found";
import { getServerCaller } from "~/trpc/server";

export default async function AccountPage() {
  const [{ t }, profile] = await Promise.all([getMessages(), getServerCaller().then((caller) => orNotFound(caller.profile.get()))]);
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t.account.title}</h1>
      <Card className="space-y-4 p-6">
        <div>
          <h2 className="text-base font-medium">{t.profile.title}</h2>
          <p className="mt-1 text-sm text-slate-600">{t.profile.hint}</p>
        </div>
        <ProfileForm initial={profile} />
      </Card>
      <Card className="space-y-4 p-6">
        <div>
          <h2 className="text-base font-medium">{t.account.changePassword}</h2>
          <p className="mt-1 text-sm text-slate-600">{t.account.changePasswordHint}</p>
        </div>
        <ChangePasswordForm length={{ min: PASSWORD_LENGTH.min, max: PASSWORD_LENGTH.max }} />
      </Card>
    </div>
  );
}
