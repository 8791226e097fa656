// How the Ozon review connector spends its requests over real HTTP to the sandbox: a page's comment
// lists are in flight together, the next list page is asked for while they run, and a full pass
// makes no request beyond the fewest (one list per 100 reviews, one comment list per review that may
// hold an answer). Photos and videos are not read while listing: the items carry their counts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetSharedBuckets, type ChannelItem } from "../src/index";
import { OzonReviewsConnector } from "../src/ozon/index";
import { startOzonSandbox, type OzonSandbox } from "../src/ozon/sandbox/index";

let sandbox: OzonSandbox;

beforeAll(async () => {
  sandbox = await startOzonSandbox({ seed: 5, size: { chats: 0, reviews: 250, questions: 0 }, rateLimit: false });
  resetSharedBuckets();
});
afterAll(() => sandbox.close());

/**
 * Real fetch, recording when each request starts and ends and how many were in flight, which review
 * a follow-up is about (`review_id` of its body) and which reviews each list page returned.
 */
function trackedFetch() {
  const events: Array<{ kind: "start" | "end"; path: string; inFlight: number; reviewId?: string }> = [];
  const listPages: string[][] = [];
  let inFlight = 0;
  const tracked: typeof fetch = async (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { review_id?: string }) : {};
    events.push({ kind: "start", path, inFlight: ++inFlight, reviewId: body.review_id });
    try {
      const response = await fetch(input, init);
      if (path === "/v2/review/list" && response.ok) {
        const page = (await response.clone().json()) as { reviews: Array<{ id: string }> };
        listPages.push(page.reviews.map((review) => review.id));
      }
      return response;
    } finally {
      events.push({ kind: "end", path, inFlight: --inFlight });
    }
  };
  return { tracked, events, listPages };
}

describe("ozon review requests", () => {
  it("pages through every review with the fewest requests, follow-ups in flight together and the next list page read ahead", async () => {
    const { tracked, events, listPages } = trackedFetch();
    const connector = new OzonReviewsConnector(sandbox.credentials, { baseUrl: sandbox.url, fetch: tracked });
    const seen: string[] = [];
    const seenItems: ChannelItem[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await connector.getUpdates({ cursor, take: 100 });
      seen.push(...page.items.map((item) => item.externalId));
      seenItems.push(...page.items);
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    const reviews = sandbox.account().reviews;
    expect(new Set(seen).size).toBe(reviews.length);

    const starts = events.filter((event) => event.kind === "start");
    const count = (path: string) => starts.filter((event) => event.path === path).length;
    const mayHoldAnswer = reviews.filter((r) => r.comments.length > 0 || r.status === "PROCESSED").length;
    expect(count("/v2/review/list")).toBe(Math.ceil(reviews.length / 100));
    expect(count("/v1/review/comment/list")).toBeLessThanOrEqual(mayHoldAnswer);
    expect(starts).toHaveLength(count("/v2/review/list") + count("/v1/review/comment/list"));
    const withMedia = reviews.filter((r) => r.photos.length > 0 || r.videos.length > 0);
    expect(withMedia.length).toBeGreaterThan(0);
    expect(
      seenItems
        .filter((item) => item.media && item.media.images + item.media.videos > 0)
        .map((item) => item.externalId)
        .sort(),
    ).toEqual(withMedia.map((r) => r.id).sort());

    // Follow-ups overlap, and each list page after the first is asked for before the previous page's
    // follow-ups: it is read ahead, not after them. Which page a follow-up belongs to is read from its
    // review id, so the check depends on the order of requests, not on how fast the sandbox answers.
    let followUpsInFlight = 0;
    let mostFollowUpsInFlight = 0;
    for (const event of events.filter((e) => e.path !== "/v2/review/list")) {
      followUpsInFlight += event.kind === "start" ? 1 : -1;
      mostFollowUpsInFlight = Math.max(mostFollowUpsInFlight, followUpsInFlight);
    }
    expect(mostFollowUpsInFlight).toBeGreaterThan(1);
    const listStarts = events.flatMap((event, index) => (event.kind === "start" && event.path === "/v2/review/list" ? [index] : []));
    expect(listStarts.length).toBe(listPages.length);
    expect(listStarts.length).toBeGreaterThan(1);
    let pagesChecked = 0;
    for (const [page, ids] of listPages.slice(0, -1).entries()) {
      const ofPage = new Set(ids);
      const firstFollowUp = events.findIndex(
        (event) => event.kind === "start" && event.reviewId !== undefined && ofPage.has(event.reviewId),
      );
      if (firstFollowUp === -1) continue; // a page whose reviews need no follow-up
      expect(listStarts[page + 1], `list page ${page + 2} is requested before page ${page + 1}'s follow-ups`).toBeLessThan(firstFollowUp);
      pagesChecked++;
    }
    expect(pagesChecked).toBeGreaterThan(0);
  });
});
