// One seller's analytics: response times, ratings, answers per member, what is waiting.
import { AnalyticsPage } from "~/components/analytics/analytics-page";

export default async function SellerAnalyticsPage({
  params,
  searchParams,
}: {
  params: Promise<{ sellerId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { sellerId } = await params;
  return <AnalyticsPage sellerId={sellerId} searchParams={await searchParams} />;
}
