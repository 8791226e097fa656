// Ingest rules that protect the team from answering twice and from losing local state.
import type { ChannelItem } from "@inbox/connectors";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { describe, expect, it } from "vitest";
import { ingestItems } from "../src/sync/ingest";
import { createSellerWithItems } from "./fixtures";

const database = useTestDatabase();

function review(externalId: string, patch: Partial<ChannelItem> = {}): ChannelItem {
  return {
    externalId,
    marketplace: "ozon",
    channel: "review",
    text: "Хороший товар",
    createdAt: "2026-11-01T10:00:00Z",
    answered: false,
    ...patch,
  };
}

describe("ingest", () => {
  it("replaying a page changes nothing, and an upstream answer updates the row", async () => {
    const { prisma } = database();
    const { seller, accounts } = await createSellerWithItems(prisma, "Replay", []);
    const target = { sellerId: seller.id, accountId: accounts.OZON.id, marketplace: "OZON" as const, channel: "REVIEW" as const };
    expect(await prisma.$transaction((tx) => ingestItems(tx, target, [review("r-1"), review("r-2")]))).toEqual({ fetched: 2, changed: 2 });
    expect(await prisma.$transaction((tx) => ingestItems(tx, target, [review("r-1"), review("r-2")]))).toEqual({ fetched: 2, changed: 0 });
    await prisma.$transaction((tx) => ingestItems(tx, target, [review("r-1", { answered: true, answerText: "Спасибо!" })]));
    expect(await prisma.item.findFirstOrThrow({ where: { externalId: "r-1" } })).toMatchObject({ answered: true, answerText: "Спасибо!" });
  });

  it("stores a review's order status, updates it when the marketplace changes it, and clears it when it says nothing", async () => {
    const { prisma } = database();
    const { seller, accounts } = await createSellerWithItems(prisma, "Orders", []);
    const target = { sellerId: seller.id, accountId: accounts.OZON.id, marketplace: "OZON" as const, channel: "REVIEW" as const };
    const statusOf = async () =>
      (await prisma.item.findFirstOrThrow({ where: { accountId: accounts.OZON.id, externalId: "o-1" } })).orderStatus;
    await prisma.$transaction((tx) => ingestItems(tx, target, [review("o-1", { orderStatus: "bought" })]));
    expect(await statusOf()).toBe("BOUGHT");
    expect(await prisma.$transaction((tx) => ingestItems(tx, target, [review("o-1", { orderStatus: "returned" })]))).toEqual({
      fetched: 1,
      changed: 1,
    });
    expect(await statusOf()).toBe("RETURNED");
    await prisma.$transaction((tx) => ingestItems(tx, target, [review("o-1")]));
    expect(await statusOf()).toBeNull();
  });

  it("keeps an item answered that we answered, while the marketplace does not list the answer yet", async () => {
    const { prisma } = database();
    const { seller, accounts } = await createSellerWithItems(prisma, "Moderation", []);
    const target = { sellerId: seller.id, accountId: accounts.OZON.id, marketplace: "OZON" as const, channel: "REVIEW" as const };
    await prisma.$transaction((tx) => ingestItems(tx, target, [review("r-9")]));
    const item = await prisma.item.findFirstOrThrow({ where: { externalId: "r-9" } });
    await prisma.reply.create({ data: { itemId: item.id, text: "Спасибо!", status: "SENT", idempotencyKey: "ingest-sent-1" } });
    await prisma.item.update({ where: { id: item.id }, data: { answered: true, answerText: "Спасибо!" } });

    // A page read before the answer was published upstream (Ozon lists comments after moderation).
    await prisma.$transaction((tx) => ingestItems(tx, target, [review("r-9")]));
    expect(await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ answered: true, answerText: "Спасибо!" });
  });

  it("keeps a chat answered and read when the marketplace's notice follows our answer, and takes its time as activity", async () => {
    const { prisma } = database();
    const { seller, accounts } = await createSellerWithItems(prisma, "Notices", []);
    const target = { sellerId: seller.id, accountId: accounts.OZON.id, marketplace: "OZON" as const, channel: "CHAT" as const };
    const message = (externalId: string, direction: "in" | "out" | "notice", text: string, createdAt: string) => ({
      externalId,
      direction,
      text,
      createdAt,
    });
    const thread = [
      message("m-1", "in", "Когда отправите?", "2026-11-01T10:00:00Z"),
      message("m-2", "out", "Сегодня вечером.", "2026-11-01T10:05:00Z"),
    ];
    const chat = (messages: typeof thread): ChannelItem => ({
      externalId: "c-1",
      marketplace: "ozon",
      channel: "chat",
      text: "",
      createdAt: "2026-11-01T10:00:00Z",
      answered: false,
      messages,
    });
    await prisma.$transaction((tx) => ingestItems(tx, target, [chat(thread)]));
    await prisma.item.updateMany({ where: { externalId: "c-1" }, data: { read: true } });
    // The next page brings only the notice (feeds may send new messages alone).
    await prisma.$transaction((tx) =>
      ingestItems(tx, target, [chat([message("m-3", "notice", "Заказ передан в доставку", "2026-11-01T12:00:00Z")])]),
    );
    const item = await prisma.item.findFirstOrThrow({
      where: { externalId: "c-1" },
      include: { messages: { orderBy: { sentAt: "asc" } } },
    });
    expect(item).toMatchObject({ answered: true, read: true, text: "Когда отправите?", lastActivityAt: new Date("2026-11-01T12:00:00Z") });
    expect(item.messages.map((m) => m.direction)).toEqual(["IN", "OUT", "NOTICE"]);
  });
});
