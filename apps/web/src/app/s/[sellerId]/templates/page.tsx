// A seller's reply templates: members see them, owners and agents create, edit and delete them.
import { TemplatesManager } from "~/components/templates/templates-manager";
import { getMessages } from "~/i18n/server";
import { getSellers } from "~/trpc/server";

export default async function TemplatesPage({ params }: { params: Promise<{ sellerId: string }> }) {
  const { sellerId } = await params;
  const [sellers, { t }] = await Promise.all([getSellers(), getMessages()]);
  const role = sellers.find((seller) => seller.id === sellerId)?.role ?? "VIEWER";
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">{t.templates.title}</h1>
        <p className="text-sm text-slate-500">{t.templates.subtitle}</p>
      </div>
      <TemplatesManager sellerId={sellerId} canEdit={role !== "VIEWER"} />
    </div>
  );
}
