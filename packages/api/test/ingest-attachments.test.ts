// Attachments and product links: ingest stores them on items and messages, updates them when the
// marketplace changes them, and the item view returns them. Real PostgreSQL.
import type { ChannelAttachment, ChannelItem } from "@inbox/connectors";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { describe, expect, it } from "vitest";
import { getInboxItem } from "../src/services/inbox";
import { ingestItems } from "../src/sync/ingest";
import { createSellerWithItems } from "./fixtures";

const database = useTestDatabase();

const photo: ChannelAttachment = {
  kind: "image",
  url: "https://feedback04.wbbasket.ru/vol1/fs.webp",
  previewUrl: "https://feedback04.wbbasket.ru/vol1/ms.webp",
};
const video: ChannelAttachment = {
  kind: "video",
  url: "https://videofeedback01.wbbasket.ru/f1/index.m3u8",
  previewUrl: "https://videofeedback01.wbbasket.ru/f1/preview.webp",
  mimeType: "application/vnd.apple.mpegurl",
};
const receipt: ChannelAttachment = { kind: "file", downloadId: "d-1", name: "чек.pdf", mimeType: "application/pdf", sizeBytes: 20480 };

function review(patch: Partial<ChannelItem> = {}): ChannelItem {
  return {
    externalId: "fb-1",
    marketplace: "wildberries",
    channel: "review",
    text: "Отличные кроссовки",
    createdAt: "2026-11-01T10:00:00Z",
    answered: false,
    product: { externalId: "123456", name: "Кроссовки", url: "https://www.wildberries.ru/catalog/123456/detail.aspx" },
    ...patch,
  };
}

function chat(messages: ChannelItem["messages"]): ChannelItem {
  return {
    externalId: "1:chat",
    marketplace: "wildberries",
    channel: "chat",
    text: "",
    createdAt: "2026-11-01T10:00:00Z",
    answered: false,
    messages,
  };
}

async function setUp(name: string, channel: "REVIEW" | "CHAT") {
  const { prisma } = database();
  const { seller, accounts } = await createSellerWithItems(prisma, name, []);
  const target = { sellerId: seller.id, accountId: accounts.WILDBERRIES.id, marketplace: "WILDBERRIES" as const, channel };
  const ingest = (items: ChannelItem[]) => prisma.$transaction((tx) => ingestItems(tx, target, items));
  return { prisma, seller, ingest };
}

describe("ingest: attachments and product links", () => {
  it("stores a review's photos, video and product link, changes nothing on replay, and follows upstream changes", async () => {
    const { prisma, seller, ingest } = await setUp("Photos", "REVIEW");
    expect(await ingest([review({ attachments: [photo, video] })])).toEqual({ fetched: 1, changed: 1 });
    const row = await prisma.item.findFirstOrThrow({ where: { sellerId: seller.id, externalId: "fb-1" } });
    expect(row.productUrl).toBe("https://www.wildberries.ru/catalog/123456/detail.aspx");
    expect(row.attachments).toEqual([photo, video]);

    expect(await ingest([review({ attachments: [photo, video] })])).toEqual({ fetched: 1, changed: 0 });

    expect(await ingest([review({ attachments: [photo] })])).toEqual({ fetched: 1, changed: 1 });
    expect((await prisma.item.findUniqueOrThrow({ where: { id: row.id } })).attachments).toEqual([photo]);

    await ingest([
      review({
        attachments: undefined,
        product: { externalId: "123456", url: "https://www.wildberries.ru/catalog/123456/detail.aspx?size=1" },
      }),
    ]);
    const after = await prisma.item.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.attachments).toBeNull();
    expect(after.productUrl).toBe("https://www.wildberries.ru/catalog/123456/detail.aspx?size=1");

    const view = await getInboxItem(prisma, seller.id, row.id);
    expect(view.attachments).toEqual([]);
    expect(view.product.url).toBe("https://www.wildberries.ru/catalog/123456/detail.aspx?size=1");
  });

  it("keeps photos fetched for a review listed with counts only, marks it again when the counts change, and clears them at zero", async () => {
    const { prisma, seller, ingest } = await setUp("Counts", "REVIEW");
    const listed = (images: number, videos = 0) => review({ marketplace: "ozon", media: { images, videos } });
    expect(await ingest([listed(1, 1)])).toEqual({ fetched: 1, changed: 1 });
    const row = await prisma.item.findFirstOrThrow({ where: { sellerId: seller.id, externalId: "fb-1" } });
    expect(row).toMatchObject({ attachments: null, mediaCount: { images: 1, videos: 1 }, mediaPending: true });
    expect(await ingest([listed(1, 1)])).toEqual({ fetched: 1, changed: 0 });

    // What inbox.media stores once the URLs are fetched.
    await prisma.item.update({ where: { id: row.id }, data: { attachments: [{ ...photo }, { ...video }], mediaPending: false } });
    expect(await ingest([listed(1, 1)])).toEqual({ fetched: 1, changed: 0 });
    expect(await prisma.item.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      attachments: [photo, video],
      mediaPending: false,
    });

    expect(await ingest([listed(2, 1)])).toEqual({ fetched: 1, changed: 1 });
    expect(await prisma.item.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      attachments: [photo, video],
      mediaCount: { images: 2, videos: 1 },
      mediaPending: true,
    });

    expect(await ingest([listed(0)])).toEqual({ fetched: 1, changed: 1 });
    expect(await prisma.item.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ attachments: null, mediaPending: false });

    // Read with the URLs (getItem): stored as given, nothing left to fetch.
    expect(await ingest([review({ media: { images: 1, videos: 0 }, attachments: [photo] })])).toEqual({ fetched: 1, changed: 1 });
    expect(await prisma.item.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ attachments: [photo], mediaPending: false });
  });

  it("stores chat message files, adds files that appear later on a known message, and the item view returns them", async () => {
    const { prisma, seller, ingest } = await setUp("Files", "CHAT");
    const first = { externalId: "e-1", direction: "in" as const, text: "Вот чек", createdAt: "2026-11-01T10:00:00Z" };
    const second = { externalId: "e-2", direction: "out" as const, text: "Спасибо", createdAt: "2026-11-01T11:00:00Z" };
    await ingest([chat([first, second])]);
    const item = await prisma.item.findFirstOrThrow({ where: { sellerId: seller.id, externalId: "1:chat" } });
    expect((await prisma.message.findFirstOrThrow({ where: { itemId: item.id, externalId: "e-1" } })).attachments).toBeNull();

    // The same event again, now with its file (e.g. once moderation passed): the stored row follows.
    expect(await ingest([chat([{ ...first, attachments: [receipt] }])])).toEqual({ fetched: 1, changed: 1 });
    expect(await ingest([chat([{ ...first, attachments: [receipt] }])])).toEqual({ fetched: 1, changed: 0 });

    const view = await getInboxItem(prisma, seller.id, item.id);
    expect(view.messages.map((m) => [m.text, m.attachments])).toEqual([
      ["Вот чек", [receipt]],
      ["Спасибо", []],
    ]);
  });

  it("keeps the earlier messages of a chat when a later sync (getItem) brings only the latest one", async () => {
    const { prisma, seller, ingest } = await setUp("History", "CHAT");
    await ingest([
      chat([
        { externalId: "e-1", direction: "in", text: "Здравствуйте", createdAt: "2026-11-01T10:00:00Z", attachments: [receipt] },
        { externalId: "e-2", direction: "out", text: "Добрый день", createdAt: "2026-11-01T11:00:00Z" },
      ]),
    ]);
    await ingest([chat([{ externalId: "e-3", direction: "in", text: "Когда доставка?", createdAt: "2026-11-02T09:00:00Z" }])]);
    const messages = await prisma.message.findMany({
      where: { item: { sellerId: seller.id } },
      orderBy: { sentAt: "asc" },
      select: { externalId: true, attachments: true },
    });
    expect(messages).toEqual([
      { externalId: "e-1", attachments: [receipt] },
      { externalId: "e-2", attachments: null },
      { externalId: "e-3", attachments: null },
    ]);
    expect(await prisma.item.findFirstOrThrow({ where: { sellerId: seller.id, externalId: "1:chat" } })).toMatchObject({
      answered: false,
      text: "Здравствуйте",
    });
  });
});
