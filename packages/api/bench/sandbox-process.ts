// Child process of the bench: one Ozon sandbox (Ozon's documented 50 requests/s per Client-Id, or
// no limit), so serving the marketplace API costs the bench's measured processes nothing.
import { startOzonSandbox, type OzonSandbox } from "@inbox/connectors/sandbox";
import { serveCalls } from "./ipc";

let sandbox: OzonSandbox | null = null;

export interface SandboxInfo {
  url: string;
  credentials: { clientId: string; apiKey: string };
  reviews: number;
  /** Reviews the connector must read comments of (published comments or PROCESSED): one request each. */
  reviewsWithAnswers: number;
  /** Reviews with photos or videos: the list gives only their counts, the URLs come when one is opened. */
  reviewsWithMedia: number;
}

export interface SandboxCounters {
  requests: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, number>;
  repliesReceived: number;
  itemsRepliedMoreThanOnce: number;
  rssBytes: number;
}

function info(): SandboxInfo {
  const account = sandbox!.account();
  return {
    url: sandbox!.url,
    credentials: sandbox!.credentials,
    reviews: account.reviews.length,
    reviewsWithAnswers: account.reviews.filter(
      (review) => review.comments.some((comment) => comment.moderation === "published") || review.status === "PROCESSED",
    ).length,
    reviewsWithMedia: account.reviews.filter((review) => review.photos.length > 0 || review.videos.length > 0).length,
  };
}

serveCalls(
  {
    /** A new sandbox in this (already warm) process; the one before it is closed. */
    async start(args: { reviews: number; rateLimited: boolean; seed: number }) {
      await sandbox?.close();
      sandbox = await startOzonSandbox({
        seed: args.seed,
        rateLimit: args.rateLimited ? { perSecond: 50 } : false,
        accounts: [{ clientId: "100001", apiKey: "ozon-sandbox-bench-key", sellerName: "ООО «Бенчмарк»" }],
        size: { reviews: args.reviews, questions: 0, chats: 0 },
      });
      return info();
    },
    info,
    addReviews(args: { count: number }) {
      for (let i = 0; i < args.count; i += 1) sandbox!.addReview();
      return info();
    },
    counters(): SandboxCounters {
      const { requests, replies } = sandbox!.stats;
      let received = 0;
      let duplicated = 0;
      for (const texts of replies.values()) {
        received += texts.length;
        if (texts.length > 1) duplicated += 1;
      }
      return {
        requests: requests.total,
        byStatus: Object.fromEntries(requests.byStatus),
        byRoute: Object.fromEntries(requests.byRoute),
        repliesReceived: received,
        itemsRepliedMoreThanOnce: duplicated,
        rssBytes: process.memoryUsage().rss,
      };
    },
    resetCounters() {
      sandbox!.stats.reset();
      return null;
    },
  },
  async () => {
    await sandbox?.close();
  },
);
