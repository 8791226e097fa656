// A seller's automation rules: members see them and what they did today; owners manage them.
import { RulesManager } from "~/components/automation/rules-manager";
import { getMessages } from "~/i18n/server";
import { getSellers } from "~/trpc/server";

export default async function AutomationPage({ params }: { params: Promise<{ sellerId: string }> }) {
  const { sellerId } = await params;
  const [sellers, { t }] = await Promise.all([getSellers(), getMessages()]);
  const role = sellers.find((seller) => seller.id === sellerId)?.role ?? "VIEWER";
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">{t.automation.title}</h1>
        <p className="max-w-3xl text-sm text-slate-500">{t.automation.subtitle}</p>
      </div>
      <RulesManager sellerId={sellerId} canManage={role === "OWNER"} />
    </div>
  );
}
