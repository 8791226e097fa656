// The password change on the account page (security review, finding 7): a wrong current password is
// refused and changes nothing; a right one leaves the new password as the only one that signs in, and
// ends the user's sessions in every other browser. Runs as a user of its own (never the demo user).
import { verifyPassword } from "@inbox/api";
import type { Page } from "@playwright/test";
import { expect, signInThroughApi, test } from "./fixtures";

// Password hashing at OWASP's cost takes seconds on a loaded 2-core machine; this test hashes often.
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

test("changing the password: a wrong current one changes nothing; the right one signs out other browsers and only the new one signs in", async ({
  browser,
  otherSeller,
  prisma,
}) => {
  const newPassword = `${otherSeller.password}-renewed`;
  const user = () => prisma.user.findUniqueOrThrow({ where: { email: otherSeller.email } });
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  try {
    const page = await laptop.newPage();
    const phonePage = await phone.newPage();
    await signInThroughApi(page, otherSeller.email, otherSeller.password);
    await signInThroughApi(phonePage, otherSeller.email, otherSeller.password);
    const before = await user();

    // Reachable from the header of every signed-in page.
    await page.goto(`/s/${otherSeller.sellerId}`);
    await page.getByRole("link", { name: "Профиль" }).click();
    await expect(page.getByRole("heading", { name: "Смена пароля" })).toBeVisible();

    await fillPasswordChange(page, { current: "not-my-password-at-all", next: newPassword });
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Текущий пароль введён неверно/);
    expect((await user()).passwordHash).toBe(before.passwordHash);
    expect((await user()).sessionVersion).toBe(before.sessionVersion);

    // Too short, and a mistyped repeat: explained before anything is sent.
    await fillPasswordChange(page, { current: otherSeller.password, next: "short" });
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/не меньше 10 символов/);
    await fillPasswordChange(page, { current: otherSeller.password, next: newPassword, confirm: `${newPassword}x` });
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Пароли не совпадают/);
    expect((await user()).passwordHash).toBe(before.passwordHash);

    // The phone is still signed in before the change.
    await phonePage.goto(`/s/${otherSeller.sellerId}`);
    await expect(phonePage.getByRole("heading", { name: "Входящие" })).toBeVisible();

    await fillPasswordChange(page, { current: otherSeller.password, next: newPassword });
    await expect(page.getByRole("main").getByRole("status")).toHaveText(/Пароль изменён/, { timeout: 60_000 });
    expect(await verifyPassword(newPassword, (await user()).passwordHash)).toBe(true);

    // The other browser's cookie is still there, but its session is over.
    await phonePage.goto(`/s/${otherSeller.sellerId}`);
    await expect(phonePage).toHaveURL(/\/signin$/);
    // So is this one's.
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
