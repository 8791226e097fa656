// The signed-in user's account: the password change (docs/security.md, "Revocation").
import { PASSWORD_LENGTH } from "@inbox/api";
import { ChangePasswordForm } from "~/components/change-password-form";
import { Card } from "~/components/ui";
import { getMessages } from "~/i18n/server";

export default async function AccountPage() {
  const { t } = await getMessages();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t.account.title}</h1>
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
