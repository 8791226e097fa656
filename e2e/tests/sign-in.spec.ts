import { DEMO_USER } from "@inbox/api/demo";
import { expect, test } from "./fixtures";

test("signing in with the demo credentials opens the inbox, and signing out returns to sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
  await page.getByLabel("Эл. почта").fill(DEMO_USER.email);
  await page.getByLabel("Пароль").fill(DEMO_USER.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page.getByRole("heading", { name: "Входящие" })).toBeVisible();
  await expect(page.getByTestId("inbox-item").first()).toBeVisible();

  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a wrong password shows an error and keeps the user signed out", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Эл. почта").fill(DEMO_USER.email);
  await page.getByLabel("Пароль").fill("not-the-password");
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Неверная почта или пароль" })).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});

test("the interface switches to English and back", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByRole("button", { name: "Русский" }).click();
  await expect(page.getByRole("heading", { name: "Вход" })).toBeVisible();
});
