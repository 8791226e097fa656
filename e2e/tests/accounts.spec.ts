// The accounts page: demo accounts (synced against the local sandboxes at start-up) with their
// health, owner actions that change the sync, and a credentials check that refuses a wrong token.
import type { PrismaClient } from "@inbox/db";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

const FIRST_SELLER = "Вектор Спорт (ООО)";
const SECOND_SELLER = "Домашний уют (ИП Смирнова)";

async function sellerId(prisma: PrismaClient, name: string) {
  return (await prisma.seller.findFirstOrThrow({ where: { name }, select: { id: true } })).id;
}

function accountCard(page: Page, accountId: string) {
  return page.locator(`[data-testid="account"][data-account-id="${accountId}"]`);
}

test("the accounts page, reached from the header, lists every demo account of each seller as healthy", async ({
  demoPage: page,
  prisma,
}) => {
  await page.goto(`/s/${await sellerId(prisma, FIRST_SELLER)}`);
  await page.getByRole("link", { name: "Аккаунты", exact: true }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(page.getByRole("heading", { name: "Аккаунты маркетплейсов" })).toBeVisible();

  const cards = page.getByTestId("account");
  await expect(cards).toHaveCount(3);
  expect(new Set(await cards.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-marketplace"))))).toEqual(
    new Set(["wildberries", "ozon", "yandex-market"]),
  );
  await expect(cards.filter({ hasText: "Яндекс Маркет" })).toHaveCount(1);
  for (const card of await cards.all()) {
    await expect(card.locator(".account-health")).toHaveText("Работает");
    await expect(card.getByTestId("last-synced")).not.toHaveText("ещё не было");
    await expect(card.getByTestId("sync-run").first()).toBeVisible();
  }

  await page.goto(`/s/${await sellerId(prisma, SECOND_SELLER)}/accounts`);
  await expect(cards).toHaveCount(2);
  expect(new Set(await cards.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-marketplace"))))).toEqual(
    new Set(["wildberries", "ozon"]),
  );
  await expect(cards.locator(".account-health")).toHaveText(["Работает", "Работает"]);
});

test("“Sync now” starts a new sync whose runs appear in the account's history", async ({ demoPage: page, prisma }) => {
  const accountId = "demo-0-wildberries";
  await page.goto(`/s/${await sellerId(prisma, FIRST_SELLER)}/accounts`);
  const card = accountCard(page, accountId);
  const runs = card.getByTestId("sync-run");
  await expect(runs.first()).toBeVisible();
  const shownBefore = new Set(await runs.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run-id"))));
  const clickedAt = new Date();

  await card.getByRole("button", { name: "Синхронизировать" }).click();
  await expect(card.getByRole("status")).toHaveText("Синхронизация запущена");

  // The in-process worker runs the sync; the page polls and shows its runs without a reload.
  await expect
    .poll(() => prisma.syncRun.count({ where: { accountId, startedAt: { gte: clickedAt } } }), { timeout: 20_000 })
    .toBeGreaterThan(0);
  const newRun = await prisma.syncRun.findFirstOrThrow({ where: { accountId, startedAt: { gte: clickedAt } } });
  expect(shownBefore.has(newRun.id)).toBe(false);
  await expect(card.locator(`[data-testid="sync-run"][data-run-id="${newRun.id}"]`)).toBeVisible({ timeout: 15_000 });
  await expect(card.locator(`[data-testid="sync-run"][data-run-id="${newRun.id}"]`)).toHaveAttribute("data-status", "SUCCEEDED", {
    timeout: 15_000,
  });
});

test("adding a Wildberries account with a wrong token shows the marketplace's refusal and creates nothing", async ({
  demoPage: page,
  prisma,
}) => {
  const id = await sellerId(prisma, FIRST_SELLER);
  const before = await prisma.marketplaceAccount.count({ where: { sellerId: id } });
  // The demo seller's own Wildberries sandbox: a real credentials check, answered 401 for a bad token.
  const sandbox = await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: "demo-0-wildberries" }, select: { baseUrls: true } });
  const sandboxUrl = (sandbox.baseUrls as Record<string, string>).review!;

  await page.goto(`/s/${id}/accounts`);
  await page.getByRole("button", { name: "Добавить аккаунт" }).click();
  const form = page.getByTestId("add-account-form");
  await expect(form.getByLabel("Маркетплейс")).toHaveValue("wildberries");
  await form.getByLabel("Название").fill("WB — второй кабинет");
  await form.getByLabel("API-токен").fill("eyJhbGciOiJFUzI1NiJ9.eyJhY2MiOjN9.not-a-real-signature");
  await form.getByLabel("Адрес API (песочница)").fill(sandboxUrl);
  await form.getByRole("button", { name: "Подключить" }).click();

  const alert = form.getByRole("alert");
  await expect(alert).toContainText("Не удалось подключить аккаунт");
  await expect(alert).toContainText("Маркетплейс отклонил эти данные");
  await expect(alert).toContainText("rejected these credentials");
  await expect(form.getByRole("button", { name: "Подключить" })).toBeEnabled();
  expect(await prisma.marketplaceAccount.count({ where: { sellerId: id } })).toBe(before);
  await expect(page.getByTestId("account")).toHaveCount(before);
});

test("pausing an account shows it paused and blocks “Sync now”; resuming makes it healthy again", async ({ demoPage: page, prisma }) => {
  const accountId = "demo-1-ozon";
  await page.goto(`/s/${await sellerId(prisma, SECOND_SELLER)}/accounts`);
  const card = accountCard(page, accountId);
  await expect(card.locator(".account-health")).toHaveText("Работает");

  await card.getByRole("button", { name: "Пауза" }).click();
  await expect(card.locator(".account-health")).toHaveText("На паузе");
  await expect(card.getByRole("button", { name: "Синхронизировать" })).toBeDisabled();
  expect((await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: accountId } })).paused).toBe(true);
  await page.reload();
  await expect(card.locator(".account-health")).toHaveText("На паузе");

  await card.getByRole("button", { name: "Возобновить" }).click();
  await expect(card.locator(".account-health")).toHaveText("Работает");
  await expect(card.getByRole("button", { name: "Пауза" })).toBeVisible();
  await expect(card.getByRole("button", { name: "Синхронизировать" })).toBeEnabled();
  expect((await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: accountId } })).paused).toBe(false);
});
