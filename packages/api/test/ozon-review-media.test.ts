// Photos and videos of Ozon reviews are fetched when a review is opened, not while syncing: the sync
// stores the list's counts with no /v2/review/info at all; the first inbox.media of a review asks the
// sandbox once and stores the URLs; later opens and re-scans read the stored ones. Real PostgreSQL,
// real HTTP to the Ozon sandbox, the tRPC caller as the web app uses it.
import { startOzonSandbox, type OzonSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCaller, createTRPCContext } from "../src/index";
import { syncAccount } from "../src/sync/sync-account";
import { addMember, createUser } from "./fixtures";
import { createSandboxAccount, FAST_CONNECTOR_OPTIONS } from "./sync-fixtures";

const database = useTestDatabase();
let sandbox: OzonSandbox;
const INFO = "POST /v2/review/info";

beforeAll(async () => {
  sandbox = await startOzonSandbox({ seed: 11, size: { chats: 0, reviews: 60, questions: 0 }, rateLimit: false });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.faults.reset());

/** A synced Ozon account and a viewer of its seller (opening an item needs no more than reading). */
async function syncedAccount() {
  const { prisma } = database();
  const { seller, account } = await createSandboxAccount(prisma, {
    marketplace: "OZON",
    baseUrls: { "*": sandbox.url },
    credentials: sandbox.credentials,
  });
  const sync = (options: Partial<Parameters<typeof syncAccount>[0]> = {}) =>
    syncAccount({ prisma, accountId: account.id, connectorOptions: FAST_CONNECTOR_OPTIONS, pageSize: 20, ...options });
  expect(await sync()).toMatchObject({ status: "done" });
  const viewer = await createUser(prisma, "Viewer");
  await addMember(prisma, viewer.id, seller.id, "VIEWER");
  const caller = createCaller(createTRPCContext({ userId: viewer.id, prisma, connectorOptions: FAST_CONNECTOR_OPTIONS }));
  const itemOf = (externalId: string) => prisma.item.findFirstOrThrow({ where: { accountId: account.id, externalId } });
  const storedUrls = async (externalId: string) =>
    ((await itemOf(externalId)).attachments as Array<{ url: string }> | null)?.map((a) => a.url);
  return { prisma, seller, account, sync, caller, itemOf, storedUrls };
}

function reviewsWithMedia() {
  const reviews = sandbox.account().reviews.filter((review) => review.photos.length > 0 || review.videos.length > 0);
  expect(reviews.length).toBeGreaterThanOrEqual(3);
  return reviews;
}

describe("Ozon review photos and videos", () => {
  it("a sync stores the list's counts without reading any review's info; opening a review fetches its photos once, then serves the stored ones", async () => {
    sandbox.stats.reset();
    const { seller, sync, caller, itemOf, storedUrls } = await syncedAccount();
    expect(sandbox.stats.requests.count(INFO)).toBe(0);

    const [review, other] = reviewsWithMedia();
    const row = await itemOf(review!.id);
    expect(row).toMatchObject({
      mediaPending: true,
      mediaCount: { images: review!.photos.length, videos: review!.videos.length },
      attachments: null,
    });
    const plain = sandbox.account().reviews.find((r) => r.photos.length === 0 && r.videos.length === 0)!;
    expect(await itemOf(plain.id)).toMatchObject({ mediaPending: false, attachments: null });

    const opened = await caller.inbox.get({ sellerId: seller.id, itemId: row.id });
    expect(opened).toMatchObject({ mediaPending: true, attachments: [], text: review!.text });
    expect(sandbox.stats.requests.count(INFO)).toBe(0);

    const urls = [...review!.photos, ...review!.videos];
    const media = await caller.inbox.media({ sellerId: seller.id, itemId: row.id });
    expect(media.failed).toBeNull();
    expect(media.attachments.map((a) => a.url)).toEqual(urls);
    expect(media.attachments.filter((a) => a.kind === "image")).toHaveLength(review!.photos.length);
    expect(sandbox.stats.requests.count(INFO)).toBe(1);

    // Opened again (item page, split pane): from the database.
    expect((await caller.inbox.media({ sellerId: seller.id, itemId: row.id })).attachments.map((a) => a.url)).toEqual(urls);
    const reopened = await caller.inbox.get({ sellerId: seller.id, itemId: row.id });
    expect(reopened.mediaPending).toBe(false);
    expect(reopened.attachments.map((a) => a.url)).toEqual(urls);
    expect(sandbox.stats.requests.count(INFO)).toBe(1);

    // Two opens at once ask the marketplace once.
    const otherRow = await itemOf(other!.id);
    const both = await Promise.all([
      caller.inbox.media({ sellerId: seller.id, itemId: otherRow.id }),
      caller.inbox.media({ sellerId: seller.id, itemId: otherRow.id }),
    ]);
    expect(both[0]).toEqual(both[1]);
    expect(sandbox.stats.requests.count(INFO)).toBe(2);

    // A re-scan lists the same counts: the stored photos stay, nothing is to be fetched again.
    expect(await sync({ rescanIntervalMs: 0 })).toMatchObject({ status: "done" });
    expect(await itemOf(review!.id)).toMatchObject({ mediaPending: false });
    expect(await storedUrls(review!.id)).toEqual(urls);
    // The customer adds a photo: the next listing marks the review again, the old photos show until
    // the next open fetches the new set.
    const imagesBefore = review!.photos.length;
    review!.photos.push("https://cdn.ozon.test/added-photo.jpg"); // the sandbox's live record
    await sync({ rescanIntervalMs: 0 });
    expect(await itemOf(review!.id)).toMatchObject({ mediaPending: true, mediaCount: { images: imagesBefore + 1 } });
    expect(await storedUrls(review!.id)).toEqual(urls);
    expect(sandbox.stats.requests.count(INFO)).toBe(2);
    const updated = await caller.inbox.media({ sellerId: seller.id, itemId: row.id });
    expect(updated.attachments.map((a) => a.url)).toContain("https://cdn.ozon.test/added-photo.jpg");
    expect(sandbox.stats.requests.count(INFO)).toBe(3);
  });

  it("a review whose photos cannot be fetched still opens, says so, and the next open tries again", async () => {
    const { seller, caller, itemOf } = await syncedAccount();
    const review = reviewsWithMedia()[2]!;
    const row = await itemOf(review.id);
    sandbox.faults.set({ rate5xx: 1, pathPattern: /^\/v2\/review\/info$/ });

    expect(await caller.inbox.get({ sellerId: seller.id, itemId: row.id })).toMatchObject({ text: review.text, mediaPending: true });
    expect(await caller.inbox.media({ sellerId: seller.id, itemId: row.id })).toEqual({ attachments: [], failed: "UNREACHABLE" });
    expect(await itemOf(review.id)).toMatchObject({ mediaPending: true, attachments: null });

    sandbox.faults.reset();
    const retried = await caller.inbox.media({ sellerId: seller.id, itemId: row.id });
    expect(retried).toMatchObject({ failed: null });
    expect(retried.attachments.map((a) => a.url)).toEqual([...review.photos, ...review.videos]);
  });

  it("an account whose stored credentials no key opens: the review still opens, and asks for a new token", async () => {
    const { prisma, seller, account, caller, itemOf } = await syncedAccount();
    const row = await itemOf(reviewsWithMedia()[1]!.id);
    await prisma.marketplaceAccount.update({ where: { id: account.id }, data: { credentialsEncrypted: "v1:a:b:c" } });

    expect(await caller.inbox.media({ sellerId: seller.id, itemId: row.id })).toEqual({ attachments: [], failed: "TOKEN_REJECTED" });
    expect(await itemOf(row.externalId)).toMatchObject({ mediaPending: true });
  });

  it("another seller's member cannot open the review's media, and nothing is fetched for them", async () => {
    const { prisma, itemOf } = await syncedAccount();
    const row = await itemOf(reviewsWithMedia()[0]!.id);
    const stranger = await createUser(prisma, "Stranger");
    const strangersSeller = await prisma.seller.create({ data: { name: "Stranger's shop" } });
    await addMember(prisma, stranger.id, strangersSeller.id, "OWNER");
    const caller = createCaller(createTRPCContext({ userId: stranger.id, prisma, connectorOptions: FAST_CONNECTOR_OPTIONS }));
    const before = sandbox.stats.requests.count(INFO);
    await expect(caller.inbox.media({ sellerId: strangersSeller.id, itemId: row.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.inbox.media({ sellerId: row.sellerId, itemId: row.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(sandbox.stats.requests.count(INFO)).toBe(before);
    expect(await itemOf(row.externalId)).toMatchObject({ mediaPending: true });
  });
});
