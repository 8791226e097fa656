// What a user sees when a page does not exist or cannot be rendered, in the language they chose
// (stored on the user, so a browser without the language cookie follows it too). Fresh user and
// sellers per test (triage-fixtures.ts).
//
// The route error page is reached the way a user reaches it: the audit log's page cursor comes
// from the URL, and one the server cannot read makes the page's server render fail
// (app/s/[sellerId]/error.tsx).
import type { Page } from "@playwright/test";
import { expect, openInbox, test } from "./triage-fixtures";

const BAD_CURSOR = "not-a-page-cursor";

async function expectNotFound(page: Page, url: string, text: { title: string; home: string }) {
  const response = await page.goto(url);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: text.title })).toBeVisible();
  await expect(page.getByRole("link", { name: text.home })).toHaveAttribute("href", "/");
}

test("an unknown item and an unknown address show the not-found page in Russian, and its link leads back to the inbox", async ({
  page,
  world,
}) => {
  const [alpha] = world.sellers;
  const home = { title: "Не найдено", home: "На главную" };
  await expectNotFound(page, `/s/${alpha.id}/items/cm0000000000000000unknown`, home);
  await expect(page.getByText("Такой страницы нет или у вас нет к ней доступа.")).toBeVisible();
  // An id longer than any item's names no item either: not found, not an error page.
  await expectNotFound(page, `/s/${alpha.id}/items/${"x".repeat(80)}`, home);
  await expectNotFound(page, "/no-such-page", home);
  await page.getByRole("link", { name: "На главную" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.locator('[data-testid="inbox-view"][data-ready="true"]')).toBeVisible();
});

test("a user who chose English gets the not-found page in English", async ({ page, world, prisma }) => {
  await prisma.user.update({ where: { id: world.userId }, data: { locale: "en" } });
  const [alpha] = world.sellers;
  const home = { title: "Not found", home: "Go home" };
  await expectNotFound(page, `/s/${alpha.id}/items/cm0000000000000000unknown`, home);
  await expect(page.getByText("This page does not exist or you have no access to it.")).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expectNotFound(page, "/no-such-page", home);
});

/** Opens the audit log at a cursor the server rejects; resolves once the error page is shown. */
async function openFailingPage(page: Page, sellerId: string) {
  await page.goto(`/s/${sellerId}/audit?cursor=${BAD_CURSOR}`);
  const error = page.getByTestId("route-error");
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute("role", "alert");
  return error;
}

/** The browser's request for the failing page's server render (a reload or Retry), by its URL. */
const failingPageRequested = (page: Page, sellerId: string) =>
  page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === `/s/${sellerId}/audit` && url.searchParams.get("cursor") === BAD_CURSOR;
  });

test("a page whose server render fails shows the error page in Russian: what to do, a Retry that asks the server again, and a way back to the inbox", async ({
  page,
  world,
}) => {
  const [alpha] = world.sellers;
  const error = await openFailingPage(page, alpha.id);
  await expect(error.getByRole("heading", { level: 1 })).toHaveText("Страница не загрузилась");
  await expect(error).toContainText("Попробуйте ещё раз; если ошибка повторится, напишите в поддержку.");
  // The app's header stays: the user can go anywhere else from here.
  await expect(page.getByRole("link", { name: "Журнал" })).toBeVisible();

  // Retry renders the page again from the server (the cursor is still unreadable, so it fails again).
  const retried = failingPageRequested(page, alpha.id);
  await error.getByRole("button", { name: "Повторить" }).click();
  await retried;
  await expect(page.getByTestId("route-error")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`cursor=${BAD_CURSOR}$`));

  await error.getByRole("link", { name: "Ко входящим" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.locator('[data-testid="inbox-view"][data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId("route-error")).toHaveCount(0);
});

test("a user who chose English gets the error page in English, also in a browser that never switched the language", async ({
  page,
  world,
  prisma,
}) => {
  await prisma.user.update({ where: { id: world.userId }, data: { locale: "en" } });
  const [alpha] = world.sellers;
  // The rest of the app follows the stored choice…
  await openInbox(page, `/s/${alpha.id}`);
  await expect(page.getByRole("searchbox", { name: "Search" })).toBeVisible();
  // …and so does the error page.
  const error = await openFailingPage(page, alpha.id);
  await expect(error.getByRole("heading", { level: 1 })).toHaveText("The page did not load");
  await expect(error).toContainText("Try again; if it happens again, contact support.");
  await expect(error.getByRole("button", { name: "Try again" })).toBeVisible();
  await expect(error.getByRole("link", { name: "Back to inbox" })).toHaveAttribute("href", "/inbox");
});
