// Wildberries attachments end to end: a sync against the WB sandbox stores review photos/videos,
// product links and chat files; a chat file downloads through the account's connector only for the
// seller whose item carries it. Real PostgreSQL, real HTTP.
import { SANDBOX_PNG, startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadItemAttachment } from "../src/services/attachments";
import { getInboxItem } from "../src/services/inbox";
import { createWbAccount, syncUntilCaughtUp, WB_CONNECTOR_OPTIONS, WB_TIME_SCALE } from "./support/wildberries";

const database = useTestDatabase();
let sandbox: WildberriesSandbox;

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({
    seed: 5,
    feedbacks: 40,
    questions: 5,
    chats: 20,
    eventsPageSize: 20,
    timeScale: WB_TIME_SCALE,
  });
});
afterAll(() => sandbox.close());

describe("Wildberries attachments after a sync", () => {
  it("stores review photos, videos and product links, and chat files, as the sandbox sent them", async () => {
    const { prisma } = database();
    const { seller, account } = await createWbAccount(prisma, sandbox, "Attachments");
    await syncUntilCaughtUp(prisma, account.id);

    const photo = sandbox.world.feedbacks.find((f) => f.hasPhotos)!;
    const video = sandbox.world.feedbacks.find((f) => f.hasVideo)!;
    const stored = await prisma.item.findMany({ where: { accountId: account.id, externalId: { in: [photo.id, video.id] } } });
    const byId = new Map(stored.map((row) => [row.externalId, row]));
    expect(byId.get(photo.id)!.attachments).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "image" })]));
    expect(byId.get(video.id)!.attachments).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "video" })]));
    expect(byId.get(photo.id)!.productUrl).toBe(`https://www.wildberries.ru/catalog/${photo.nmId}/detail.aspx`);

    const withFile = sandbox.world.events.find((e) => e.files.some((f) => f.contentType === "image/png"))!;
    const file = withFile.files.find((f) => f.contentType === "image/png")!;
    const chat = await prisma.item.findFirstOrThrow({ where: { accountId: account.id, channel: "CHAT", externalId: withFile.chatID } });
    const view = await getInboxItem(prisma, seller.id, chat.id);
    expect(view.messages.flatMap((m) => m.attachments)).toContainEqual(
      expect.objectContaining({ kind: "image", downloadId: file.downloadID, mimeType: "image/png", sizeBytes: SANDBOX_PNG.length }),
    );

    const got = await downloadItemAttachment(prisma, {
      sellerId: seller.id,
      itemId: chat.id,
      downloadId: file.downloadID,
      connectorOptions: WB_CONNECTOR_OPTIONS,
    });
    expect(got).toEqual({ status: "ready", bytes: new Uint8Array(SANDBOX_PNG), contentType: "image/png" });

    // Another seller, or an id this item does not carry, gets nothing (and nothing is fetched).
    const before = sandbox.stats.chat.count(`GET /api/v1/seller/download/${file.downloadID}`);
    expect(before).toBe(1);
    const other = await prisma.seller.create({ data: { name: "Someone else" } });
    await expect(
      downloadItemAttachment(prisma, { sellerId: other.id, itemId: chat.id, downloadId: file.downloadID }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const foreign = sandbox.world.storeFile({ name: "x.png", contentType: "image/png", data: SANDBOX_PNG });
    await expect(
      downloadItemAttachment(prisma, { sellerId: seller.id, itemId: chat.id, downloadId: foreign.downloadID }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(sandbox.stats.chat.count(`GET /api/v1/seller/download/${file.downloadID}`)).toBe(before);

    // A file WB still moderates, or one that failed moderation.
    file.moderation = "pending";
    await expect(
      downloadItemAttachment(prisma, {
        sellerId: seller.id,
        itemId: chat.id,
        downloadId: file.downloadID,
        connectorOptions: WB_CONNECTOR_OPTIONS,
      }),
    ).resolves.toEqual({ status: "pending", retrySeconds: 30 });
    file.moderation = "failed";
    await expect(
      downloadItemAttachment(prisma, {
        sellerId: seller.id,
        itemId: chat.id,
        downloadId: file.downloadID,
        connectorOptions: WB_CONNECTOR_OPTIONS,
      }),
    ).resolves.toMatchObject({ status: "unavailable", reason: "moderation_failed" });
    file.moderation = "passed";
  });
});
