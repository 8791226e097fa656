// The seller's audit log (owners only): newest first, a page at a time (?cursor=…).
import Link from "next/link";
import { Card } from "~/components/ui";
import { formatDateTime } from "~/components/format";
import { getMessages } from "~/i18n/server";
import { orNotFound } from "~/server/not-found";
import { getSellers, getServerCaller } from "~/trpc/server";
import { notFound } from "next/navigation";

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ sellerId: string }>;
  searchParams: Promise<{ cursor?: string }>;
}) {
  const [{ sellerId }, { cursor }] = await Promise.all([params, searchParams]);
  const [sellers, { t, locale }] = await Promise.all([getSellers(), getMessages()]);
  // Owners only, like the procedure; anyone else sees the not-found page.
  if (sellers.find((seller) => seller.id === sellerId)?.role !== "OWNER") notFound();
  const caller = await getServerCaller();
  const { events, nextCursor } = await orNotFound(caller.audit.list({ sellerId, limit: 50, cursor: cursor ?? null }));

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">{t.audit.title}</h1>
        <p className="mt-1 text-sm text-slate-500">{t.audit.subtitle}</p>
      </div>
      <Card className="overflow-x-auto">
        {events.length === 0 ? (
          <p className="p-4 text-sm text-slate-500">{t.audit.empty}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="px-3 py-2 font-medium">{t.audit.when}</th>
                <th className="px-3 py-2 font-medium">{t.audit.who}</th>
                <th className="px-3 py-2 font-medium">{t.audit.what}</th>
                <th className="px-3 py-2 font-medium">{t.audit.where}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id} className="border-b border-slate-100 align-top last:border-0" data-testid="audit-event">
                  <td className="whitespace-nowrap px-3 py-2 text-slate-600">{formatDateTime(event.createdAt, locale)}</td>
                  <td className="px-3 py-2">
                    {event.actor.name ?? event.actor.email ?? "—"}
                    {event.actor.tokenId && <span className="ml-1 text-xs text-slate-500">({t.audit.token})</span>}
                  </td>
                  <td className="px-3 py-2">
                    {t.audit.actions[event.action] ?? event.action}
                    {detailName(event.detail) && <div className="text-xs text-slate-600">{detailName(event.detail)}</div>}
                  </td>
                  <td className="px-3 py-2 text-slate-600">
                    {event.ip ?? t.audit.unknownAddress}
                    {event.userAgent && <div className="max-w-xs truncate text-xs text-slate-600">{event.userAgent}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {nextCursor && (
        <Link href={`/s/${sellerId}/audit?cursor=${encodeURIComponent(nextCursor)}`} className="text-sm text-brand-600 hover:underline">
          {t.audit.more}
        </Link>
      )}
    </div>
  );
}

/** The name an entry's detail carries (a template's, a token's), shown under the action. */
function detailName(detail: unknown): string | null {
  if (typeof detail !== "object" || detail === null || !("name" in detail)) return null;
  return typeof detail.name === "string" ? detail.name : null;
}
