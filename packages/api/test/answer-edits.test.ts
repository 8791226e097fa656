// Editing an answer where the marketplace allows it (Wildberries: once within 60 days; Yandex Market:
// while it says canModify): the composer offers it, the outbox delivers it exactly once over real
// HTTP to the sandbox, and every request the marketplace would refuse is refused with a reason first.
import {
  startWildberriesSandbox,
  startYandexMarketSandbox,
  type WildberriesSandbox,
  type YandexMarketSandbox,
} from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";
import { deliverUntilSettled, simulateCrashAfterSend } from "./support/replies";
import { createSandboxAccount, FAST_CONNECTOR_OPTIONS } from "./sync-fixtures";
import { createWbAccount, syncUntilCaughtUp, WB_CONNECTOR_OPTIONS, WB_TIME_SCALE } from "./support/wildberries";

const database = useTestDatabase();
let sandbox: WildberriesSandbox;
let ym: YandexMarketSandbox;

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({
    seed: 5,
    feedbacks: 12,
    questions: 8,
    chats: 2,
    timeScale: WB_TIME_SCALE,
    moderation: "instant",
  });
  ym = await startYandexMarketSandbox({ seed: 5, feedbacks: 6, questions: 6, chats: 1, hourlyLimits: false });
});
afterAll(() => Promise.all([sandbox.close(), ym.close()]));

async function reason(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return { code: (error as TRPCError).code, reason: ((error as TRPCError).cause as { reason?: string } | undefined)?.reason };
}

describe("editing a Wildberries answer through the outbox", () => {
  it("replaces the answer upstream once, even after a crash between send and record, then closes the composer", async () => {
    const { prisma } = database();
    const { seller, account } = await createWbAccount(prisma, sandbox, "Edits WB");
    const agent = await createUser(prisma, "Edit agent");
    await addMember(prisma, agent.id, seller.id, "AGENT");
    const caller = callerFor(prisma, agent.id);
    await syncUntilCaughtUp(prisma, account.id);

    for (const channel of ["REVIEW", "QUESTION"] as const) {
      const item = await prisma.item.findFirstOrThrow({
        where: { accountId: account.id, channel, answered: false },
        orderBy: { externalId: "asc" },
      });
      const get = () => caller.inbox.get({ sellerId: seller.id, itemId: item.id });
      const answer = await caller.inbox.reply({
        sellerId: seller.id,
        itemId: item.id,
        text: "Спасибо за отзыв!",
        idempotencyKey: `answer-${item.id}`,
      });
      expect(
        await reason(
          caller.inbox.reply({ sellerId: seller.id, itemId: item.id, text: "Правка", idempotencyKey: `early-${item.id}`, edit: true }),
        ),
      ).toEqual({
        code: "CONFLICT",
        reason: "reply_on_its_way",
      });
      await deliverUntilSettled(prisma, [answer.id], WB_CONNECTOR_OPTIONS);
      // An answer just given can be edited (WB: once within 60 days); a sync leaves it so.
      await syncUntilCaughtUp(prisma, account.id);
      expect((await get()).composer).toEqual({ open: true, kind: "edit" });
      expect(
        await reason(
          caller.inbox.reply({ sellerId: seller.id, itemId: item.id, text: "Второй ответ", idempotencyKey: `second-${item.id}` }),
        ),
      ).toEqual({
        code: "CONFLICT",
        reason: "already_answered",
      });

      const text = "Спасибо за отзыв! Размерная сетка уже обновлена.";
      const edit = await caller.inbox.reply({ sellerId: seller.id, itemId: item.id, text, idempotencyKey: `edit-${item.id}`, edit: true });
      expect(edit).toMatchObject({ kind: "EDIT", status: "PENDING" });
      // A retried request with the same key is the same edit.
      expect(
        (await caller.inbox.reply({ sellerId: seller.id, itemId: item.id, text, idempotencyKey: `edit-${item.id}`, edit: true })).id,
      ).toBe(edit.id);
      expect((await get()).composer).toEqual({ open: false, why: "reply_on_its_way" });

      // The worker got WB's OK and died before recording it; the worker that takes over sends nothing.
      await deliverUntilSettled(prisma, [edit.id], WB_CONNECTOR_OPTIONS);
      await simulateCrashAfterSend(prisma, edit.id);
      // Nothing of it was recorded: the item still shows the old answer, editable.
      await prisma.item.update({ where: { id: item.id }, data: { answerText: "Спасибо за отзыв!", answerEditable: true } });
      await deliverUntilSettled(prisma, [edit.id], WB_CONNECTOR_OPTIONS);

      expect(sandbox.world.answers.get(item.externalId)).toEqual(["Спасибо за отзыв!", text]);
      const shown = await get();
      expect(shown).toMatchObject({ answered: true, answerText: text, composer: { open: false, why: "edit_closed" } });
      // The replaced answer is gone upstream, the edit is the answer: no reply row is left to show.
      expect(shown.replies).toEqual([]);
      // WB allows no second edit; a sync leaves it so.
      await syncUntilCaughtUp(prisma, account.id);
      expect((await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).answerEditable).toBe(false);
      expect(
        await reason(
          caller.inbox.reply({
            sellerId: seller.id,
            itemId: item.id,
            text: "Третья версия",
            idempotencyKey: `third-${item.id}`,
            edit: true,
          }),
        ),
      ).toEqual({
        code: "PRECONDITION_FAILED",
        reason: "answer_not_editable",
      });
      const audit = await prisma.auditEvent.findMany({ where: { sellerId: seller.id, targetId: item.id }, orderBy: { createdAt: "asc" } });
      expect(audit.map((entry) => entry.action)).toEqual(["reply.queued", "reply.edit_queued"]);
    }
  });
});

describe("editing a Yandex Market answer through the outbox", () => {
  it("updates our own comment or answer in place, and it stays editable for the next edit", async () => {
    const { prisma } = database();
    const { seller, account } = await createSandboxAccount(prisma, {
      marketplace: "YANDEX_MARKET",
      baseUrls: { "*": ym.url },
      credentials: ym.credentials,
      sellerName: "Edits YM",
    });
    const agent = await createUser(prisma, "YM edit agent");
    await addMember(prisma, agent.id, seller.id, "AGENT");
    const caller = callerFor(prisma, agent.id);
    await syncUntilCaughtUp(prisma, account.id, { connectorOptions: FAST_CONNECTOR_OPTIONS });
    const business = ym.business();
    /** What the marketplace shows as our answer: every comment or answer of ours, in order. */
    const ours = (channel: "REVIEW" | "QUESTION", externalId: string) =>
      channel === "REVIEW"
        ? business.feedbacks
            .find((feedback) => String(feedback.id) === externalId)!
            .comments.filter((c) => c.authorType === "BUSINESS")
            .map((c) => c.text)
        : business.questions
            .find((question) => String(question.id) === externalId)!
            .answers.filter((a) => a.authorType === "BUSINESS")
            .map((a) => a.text);

    for (const channel of ["REVIEW", "QUESTION"] as const) {
      const item = await prisma.item.findFirstOrThrow({
        where: { accountId: account.id, channel, answered: false },
        orderBy: { externalId: "asc" },
      });
      const get = () => caller.inbox.get({ sellerId: seller.id, itemId: item.id });
      const send = async (text: string, key: string, edit: boolean) => {
        const reply = await caller.inbox.reply({ sellerId: seller.id, itemId: item.id, text, idempotencyKey: `${key}-${item.id}`, edit });
        await deliverUntilSettled(prisma, [reply.id], FAST_CONNECTOR_OPTIONS);
        return prisma.reply.findUniqueOrThrow({ where: { id: reply.id } });
      };
      expect(await send("Спасибо за отзыв!", "answer", false)).toMatchObject({ kind: "ANSWER", status: "SENT" });
      expect((await get()).composer).toEqual({ open: true, kind: "edit" });
      expect(await send("Спасибо! Заменим товар по гарантии.", "edit-1", true)).toMatchObject({ kind: "EDIT", status: "SENT" });
      // Yandex Market keeps our answer modifiable: a second edit goes through the same way.
      await syncUntilCaughtUp(prisma, account.id, { connectorOptions: FAST_CONNECTOR_OPTIONS });
      expect((await get()).composer).toEqual({ open: true, kind: "edit" });
      expect(await send("Спасибо! Заменим товар по гарантии в течение недели.", "edit-2", true)).toMatchObject({ status: "SENT" });
      // One answer upstream, updated in place (never a second comment or answer), and the item shows it.
      expect(ours(channel, item.externalId)).toEqual(["Спасибо! Заменим товар по гарантии в течение недели."]);
      expect(await get()).toMatchObject({ answered: true, answerText: "Спасибо! Заменим товар по гарантии в течение недели." });
    }
  });
});

describe("edit requests the marketplace would refuse", () => {
  it("are refused with a reason: no answer yet, a marketplace without edits, an unchanged text, a stale retry, another seller, a viewer", async () => {
    const { prisma } = database();
    const world = await createSellerWithItems(prisma, "Edit rules", [
      { marketplace: "WILDBERRIES" },
      { marketplace: "OZON", answered: true },
      { marketplace: "WILDBERRIES", channel: "CHAT", answered: true },
    ]);
    const other = await createSellerWithItems(prisma, "Edit rules other", [{ marketplace: "WILDBERRIES", answered: true }]);
    await prisma.item.update({ where: { id: other.items[0]!.id }, data: { answerText: "Ответ", answerEditable: true } });
    const agent = await createUser(prisma, "Rules agent");
    const viewer = await createUser(prisma, "Rules viewer");
    await addMember(prisma, agent.id, world.seller.id, "AGENT");
    await addMember(prisma, viewer.id, other.seller.id, "VIEWER");
    const caller = callerFor(prisma, agent.id);
    const edit = (sellerId: string, itemId: string, key: string, as = caller) =>
      as.inbox.reply({ sellerId, itemId, text: "Исправленный ответ", idempotencyKey: key, edit: true });

    const [unanswered, ozon, chat] = world.items;
    expect(await reason(edit(world.seller.id, unanswered!.id, "rules-edit-1"))).toEqual({
      code: "PRECONDITION_FAILED",
      reason: "not_answered",
    });
    expect(await reason(edit(world.seller.id, ozon!.id, "rules-edit-2"))).toEqual({
      code: "PRECONDITION_FAILED",
      reason: "answer_not_editable",
    });
    expect(await reason(edit(world.seller.id, chat!.id, "rules-edit-3"))).toEqual({
      code: "PRECONDITION_FAILED",
      reason: "answer_not_editable",
    });
    expect((await caller.inbox.get({ sellerId: world.seller.id, itemId: ozon!.id })).composer).toEqual({ open: false, why: "answered" });
    // An edit that changes nothing but spacing would use up Wildberries' one edit.
    const answered = await prisma.item.update({
      where: { id: unanswered!.id },
      data: { answered: true, answerText: "Спасибо за отзыв!", answerEditable: true },
    });
    await expect(
      caller.inbox.reply({
        sellerId: world.seller.id,
        itemId: answered.id,
        text: " Спасибо  за отзыв! ",
        idempotencyKey: "rules-edit-7",
        edit: true,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { reason: "answer_unchanged" } });
    // A failed edit retried after the answer it replaces changed (a later edit) would overwrite an
    // answer its author never saw.
    const stale = await caller.inbox.reply({
      sellerId: world.seller.id,
      itemId: answered.id,
      text: "Спасибо! Первая правка.",
      idempotencyKey: "rules-edit-8",
      edit: true,
    });
    expect(stale).toMatchObject({ kind: "EDIT", replaces: "Спасибо за отзыв!" });
    await prisma.reply.update({ where: { id: stale.id }, data: { status: "FAILED", error: "The marketplace did not respond." } });
    await prisma.item.update({ where: { id: answered.id }, data: { answerText: "Спасибо! Вторая правка, уже доставлена." } });
    expect(await reason(caller.inbox.retryReply({ sellerId: world.seller.id, replyId: stale.id }))).toEqual({
      code: "CONFLICT",
      reason: "answer_changed",
    });

    // Another seller's editable answer is not found, through the caller's seller or its own.
    expect(await reason(edit(world.seller.id, other.items[0]!.id, "rules-edit-4"))).toEqual({
      code: "NOT_FOUND",
      reason: "item_not_found",
    });
    expect((await reason(edit(other.seller.id, other.items[0]!.id, "rules-edit-5"))).code).toBe("NOT_FOUND");
    expect((await reason(edit(other.seller.id, other.items[0]!.id, "rules-edit-6", callerFor(prisma, viewer.id)))).code).toBe("FORBIDDEN");
    // Of all these requests, only the stale edit was queued.
    expect(
      await prisma.reply.findMany({
        where: { itemId: { in: [...world.items, ...other.items].map((item) => item.id) } },
        select: { id: true },
      }),
    ).toEqual([{ id: stale.id }]);
  });
});
