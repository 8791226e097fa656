// Security review findings seen from the browser: every page works under the Content-Security-
// Policy (no violation reported), headers forbid framing and sniffing, a cross-site POST with the
// session cookie is refused, "sign out everywhere" ends other devices' sessions, and the owner sees
// sign-ins in the audit log.
import { DEMO_USER } from "@inbox/api/demo";
import type { Page } from "@playwright/test";
import { expect, signInThroughApi, test } from "./fixtures";

// Password hashing at OWASP's cost takes seconds on a loaded 2-core machine; each test signs in.

/** Collects CSP violations and console errors of a page from its first script on. */
async function watchForViolations(page: Page) {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  await page.addInitScript(() => {
    const store: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = store;
    document.addEventListener("securitypolicyviolation", (event) => store.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return {
    async violations() {
      return page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    },
    consoleErrors,
  };
}

test("the app works under its Content-Security-Policy: sign-in form, inbox, item, accounts and audit log report no violation", async ({
  page,
}) => {
  const watch = await watchForViolations(page);
  const response = await page.goto("/signin");
  const csp = response!.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response!.headers()).toMatchObject({ "x-content-type-options": "nosniff", "referrer-policy": "strict-origin-when-cross-origin" });
  // Plain http on loopback: no HSTS.
  expect(response!.headers()["strict-transport-security"]).toBeUndefined();

  // The form needs client scripts: signing in proves they ran under the policy.
  await page.getByLabel("Эл. почта").fill(DEMO_USER.email);
  await page.getByLabel("Пароль").fill(DEMO_USER.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page.getByRole("heading", { name: "Входящие" })).toBeVisible();
  expect(await watch.violations()).toEqual([]);

  // The item page itself (a click on a wide screen opens it beside the list instead).
  await page.goto((await page.getByTestId("inbox-item").first().getByRole("link").getAttribute("href"))!);
  await expect(page.getByRole("link", { name: "← Ко входящим" })).toBeVisible();
  expect(await watch.violations()).toEqual([]);

  await page.getByRole("link", { name: "Аккаунты" }).click();
  await expect(page.getByRole("heading", { name: "Аккаунты" })).toBeVisible();
  expect(await watch.violations()).toEqual([]);

  await page.getByRole("link", { name: "Журнал" }).click();
  await expect(page.getByRole("heading", { name: "Журнал действий" })).toBeVisible();
  await expect(page.getByTestId("audit-event").filter({ hasText: "Вход" }).first()).toBeVisible();
  expect(await watch.violations()).toEqual([]);
  expect(watch.consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
});

test("a cross-site POST carrying the session cookie is refused and changes nothing", async ({ demoPage, prisma }) => {
  const item = await prisma.item.findFirstOrThrow({ where: { seller: { memberships: { some: { user: { email: DEMO_USER.email } } } } } });
  const before = await prisma.item.findUniqueOrThrow({ where: { id: item.id } });
  const response = await demoPage.request.post("/api/trpc/inbox.markRead", {
    headers: { origin: "https://evil.example", "content-type": "application/json" },
    data: { json: { sellerId: item.sellerId, itemId: item.id, read: !before.read } },
  });
  expect(response.status()).toBe(403);
  expect(await response.text()).toMatch(/another site/);
  expect((await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).read).toBe(before.read);
});

test("sign out everywhere ends the sessions of every device", async ({ browser, otherSeller }) => {
  const phone = await browser.newContext();
  const laptop = await browser.newContext();
  try {
    const phonePage = await phone.newPage();
    const laptopPage = await laptop.newPage();
    await signInThroughApi(phonePage, otherSeller.email, otherSeller.password);
    await signInThroughApi(laptopPage, otherSeller.email, otherSeller.password);
    await laptopPage.goto(`/s/${otherSeller.sellerId}`);
    await expect(laptopPage.getByRole("heading", { name: "Входящие" })).toBeVisible();

    await phonePage.goto(`/s/${otherSeller.sellerId}`);
    phonePage.once("dialog", (dialog) => void dialog.accept());
    await phonePage.getByRole("button", { name: "Завершить все сеансы" }).click();
    await expect(phonePage).toHaveURL(/\/signin/);

    // The other device's cookie is still there, but its session is over.
    await laptopPage.goto(`/s/${otherSeller.sellerId}`);
    await expect(laptopPage).toHaveURL(/\/signin$/);
  } finally {
    await phone.close();
    await laptop.close();
  }
});
