// The password change on the account page (security review, finding 7): a wrong current password is
// refused and changes nothing; a right one leaves the new password as the only one that signs in, and
// ends the user's sessions in every other browser. Runs as a user of its own (never the demo user).
import type { Page } from "@playwright/test";
import { expect, signInThroughApi, test } from "./fixtures";

// Password hashing at OWASP's cost takes seconds on a loaded 2-core machine; each test hashes a few times.
test.describe.configure({ timeout: 120_000 });

async function signInWithForm(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Эл. почта").fill(email);
  await page.getByLabel("Пароль").fill(password);
  await page.getByRole("button", { name: "Войти" }).click();
}

async function fillPasswordChange(page: Page, passwords: { current: string; next: string; confirm?: string }) {
  await page.getByLabel("Текущий пароль").fill(passwords.current);
  await page.getByLabel("Новый пароль", { exact: true }).fill(passwords.next);
  await page.getByLabel("Новый пароль ещё раз").fill(passwords.confirm ?? passwords.next);
  await page.getByRole("button", { name: "Сменить пароль" }).click();
}

test("a wrong current password, a too short or mistyped new one: explained, and nothing changes", async ({ page, otherSeller, prisma }) => {
  const user = () => prisma.user.findUniqueOrThrow({ where: { email: otherSeller.email } });
  await signInThroughApi(page, otherSeller.email, otherSeller.password);
  const before = await user();

  // Reachable from the header of every signed-in page.
  await page.goto(`/s/${otherSeller.sellerId}`);
  await page.getByRole("link", { name: "Профиль" }).click();
  await expect(page.getByRole("heading", { name: "Смена пароля" })).toBeVisible();

  await fillPasswordChange(page, { current: "not-my-password-at-all", next: `${otherSeller.password}-renewed` });
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Текущий пароль введён неверно/);
  // Explained before anything is sent.
  await fillPasswordChange(page, { current: otherSeller.password, next: "short" });
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(/не меньше 10 символов/);
  await fillPasswordChange(page, { current: otherSeller.password, next: "a long new password", confirm: "a long new passwort" });
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Пароли не совпадают/);

  const after = await user();
  expect(after.passwordHash).toBe(before.passwordHash);
  expect(after.sessionVersion).toBe(before.sessionVersion);
  // Still signed in.
  await page.goto(`/s/${otherSeller.sellerId}`);
  await expect(page.getByRole("heading", { name: "Входящие" })).toBeVisible();
});

test("the right current password: other browsers are signed out, and only the new password signs in", async ({ browser, otherSeller }) => {
  const newPassword = `${otherSeller.password}-renewed`;
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  try {
    const page = await laptop.newPage();
    const phonePage = await phone.newPage();
    await signInThroughApi(page, otherSeller.email, otherSeller.password);
    await signInThroughApi(phonePage, otherSeller.email, otherSeller.password);
    await phonePage.goto(`/s/${otherSeller.sellerId}`);
    await expect(phonePage.getByRole("heading", { name: "Входящие" })).toBeVisible();

    await page.goto("/account");
    await fillPasswordChange(page, { current: otherSeller.password, next: newPassword });
    await expect(page.getByRole("main").getByRole("status")).toHaveText(/Пароль изменён/, { timeout: 60_000 });

    // The other browser's cookie is still there, but its session is over; so is this one's.
    await phonePage.goto(`/s/${otherSeller.sellerId}`);
    await expect(phonePage).toHaveURL(/\/signin$/);
    await page.goto(`/s/${otherSeller.sellerId}`);
    await expect(page).toHaveURL(/\/signin$/);

    await signInWithForm(page, otherSeller.email, otherSeller.password);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Неверная почта или пароль/, { timeout: 60_000 });
    await signInWithForm(page, otherSeller.email, newPassword);
    await expect(page.getByRole("heading", { name: "Входящие" })).toBeVisible({ timeout: 60_000 });
  } finally {
    await laptop.close();
    await phone.close();
  }
});
