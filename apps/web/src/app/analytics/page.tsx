// Analytics over every seller the signed-in user belongs to.
import { AnalyticsPage } from "~/components/analytics/analytics-page";

export default async function AllSellersAnalyticsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return <AnalyticsPage searchParams={await searchParams} />;
}
