// Team work on a seller of the test's own (the demo data is never touched): an owner invites by
// email, the link is shown once, the invitee accepts in another browser by choosing a password, and
// the roles then decide what each one can do: the new agent answers and the owner sees who did; a
// viewer has no reply or invite controls, and the API refuses the calls anyway.
import { hashPassword } from "@inbox/api";
import type { PrismaClient } from "@inbox/db";
import type { Browser, Page } from "@playwright/test";
import { expect, removeTestData, signInThroughApi, test } from "./fixtures";

// Creating an account hashes a password at OWASP's cost: seconds on a loaded 2-core machine.
test.describe.configure({ timeout: 120_000 });

interface TeamWorld {
  suffix: string;
  sellerId: string;
  sellerName: string;
  itemId: string;
  ownerId: string;
}

const created: { sellerIds: string[]; emails: string[] } = { sellerIds: [], emails: [] };

async function createWorld(prisma: PrismaClient, page: Page): Promise<TeamWorld> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const password = `team-${suffix}-password`;
  const owner = await prisma.user.create({
    data: { email: `team-owner-${suffix}@e2e.local`, name: "Владелец Ольга", passwordHash: await hashPassword(password) },
  });
  const sellerName = `Команда ${suffix}`;
  const seller = await prisma.seller.create({ data: { name: sellerName, memberships: { create: { userId: owner.id, role: "OWNER" } } } });
  // Paused: the sweeper never syncs this made-up account.
  const account = await prisma.marketplaceAccount.create({
    data: { sellerId: seller.id, marketplace: "WILDBERRIES", displayName: "WB e2e", credentialsEncrypted: "v1:a:b:c", paused: true },
  });
  const item = await prisma.item.create({
    data: {
      sellerId: seller.id,
      accountId: account.id,
      marketplace: "WILDBERRIES",
      channel: "REVIEW",
      externalId: `team-${suffix}`,
      text: "Хороший термос, держит тепло",
      rating: 5,
      authorName: "Мария",
      upstreamCreatedAt: new Date(),
      lastActivityAt: new Date(),
    },
  });
  created.sellerIds.push(seller.id);
  created.emails.push(owner.email);
  await signInThroughApi(page, owner.email, password);
  return { suffix, sellerId: seller.id, sellerName, itemId: item.id, ownerId: owner.id };
}

test.afterEach(async ({ prisma }) => {
  const users = await prisma.user.findMany({ where: { email: { in: created.emails } }, select: { id: true } });
  await removeTestData(prisma, { sellerIds: created.sellerIds, userIds: users.map((user) => user.id) });
  created.sellerIds = [];
  created.emails = [];
});

/** The owner invites `email` with `role` on the members page and returns the link shown. */
async function invite(page: Page, world: TeamWorld, email: string, role: "Агент" | "Наблюдатель"): Promise<string> {
  await page.goto(`/s/${world.sellerId}`);
  await page.getByRole("banner").getByRole("link", { name: "Участники" }).click();
  await expect(page.getByRole("heading", { name: "Участники", level: 1 })).toBeVisible();
  await page.getByLabel("Эл. почта").fill(email);
  await page
    .getByLabel("Роль", { exact: true })
    .selectOption({ label: `${role} — ${role === "Агент" ? "отвечает и работает с сообщениями" : "только просмотр"}` });
  await page.getByRole("button", { name: "Пригласить" }).click();
  const result = page.getByTestId("invite-result");
  await expect(result).toContainText(`Ссылка-приглашение для ${email}`);
  await expect(result).toBeFocused();
  const link = await page.getByTestId("invite-link").inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId("invitation").filter({ hasText: email })).toContainText(role);
  created.emails.push(email);
  return link;
}

/** Someone new opens the link in a browser of their own and creates the account. */
async function acceptAsNewPerson(browser: Browser, link: string, world: TeamWorld, name: string, role: string): Promise<Page> {
  const context = await browser.newContext({ locale: "ru-RU" });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Приглашение" })).toBeVisible();
  await expect(page.getByText(`Владелец Ольга приглашает вас в продавца «${world.sellerName}» с ролью «${role}».`)).toBeVisible();
  await page.getByLabel("Ваше имя").fill(name);
  await page.getByLabel("Пароль", { exact: true }).fill(`${world.suffix}-new-password`);
  await page.getByLabel("Пароль ещё раз").fill(`${world.suffix}-new-password`);
  await page.getByRole("button", { name: "Создать аккаунт и войти" }).click();
  await expect(page).toHaveURL(new RegExp(`/s/${world.sellerId}$`), { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Входящие" })).toBeVisible();
  return page;
}

test("an owner invites an agent, who accepts with a new account, answers, and the owner sees who answered", async ({
  page,
  browser,
  prisma,
}) => {
  const world = await createWorld(prisma, page);
  const email = `team-agent-${world.suffix}@e2e.local`;
  const link = await invite(page, world, email, "Агент");

  const agent = await acceptAsNewPerson(browser, link, world, "Агент Антон", "Агент");
  await agent.goto(`/s/${world.sellerId}/items/${world.itemId}`);
  const composer = agent.getByTestId("composer");
  await composer.locator("textarea").fill("Спасибо, что выбрали нас!");
  await composer.getByRole("button", { name: "Отправить" }).click();
  await expect(agent.getByTestId("replies").getByText("Спасибо, что выбрали нас!")).toBeVisible();

  // The link worked once: opened again, it explains that it is used.
  await agent.goto(link);
  await expect(agent.getByRole("main").getByRole("alert")).toContainText("Это приглашение уже принято");
  await agent.context().close();

  await page.goto(`/s/${world.sellerId}/items/${world.itemId}`);
  await expect(
    page.getByTestId("replies").locator("li").filter({ hasText: "Спасибо, что выбрали нас!" }).getByTestId("reply-author"),
  ).toHaveText("Агент Антон");
  await page.goto(`/s/${world.sellerId}/members`);
  await expect(page.getByTestId("member").filter({ hasText: email })).toContainText("Агент Антон");
  await expect(page.getByTestId("invitations")).toHaveCount(0);
  expect(await prisma.membership.count({ where: { sellerId: world.sellerId, user: { email } } })).toBe(1);
});

test("a viewer invited the same way sees no reply or invite controls, and the API refuses both", async ({ page, browser, prisma }) => {
  const world = await createWorld(prisma, page);
  const link = await invite(page, world, `team-viewer-${world.suffix}@e2e.local`, "Наблюдатель");

  const viewer = await acceptAsNewPerson(browser, link, world, "Наблюдатель Вера", "Наблюдатель");
  await viewer.goto(`/s/${world.sellerId}/items/${world.itemId}`);
  await expect(viewer.getByText("У вас роль «Наблюдатель»")).toBeVisible();
  await expect(viewer.getByTestId("composer")).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Отправить" })).toHaveCount(0);

  await viewer.goto(`/s/${world.sellerId}/members`);
  await expect(viewer.getByText("Управлять участниками могут только владельцы продавца.")).toBeVisible();
  await expect(viewer.getByTestId("member")).toHaveCount(2);
  await expect(viewer.getByRole("button", { name: "Пригласить" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /Удалить/ })).toHaveCount(0);
  await expect(viewer.getByRole("combobox")).toHaveCount(1); // the header's seller switch only

  // The controls are absent, and the calls behind them are refused by the server.
  const origin = new URL(viewer.url()).origin;
  const call = (procedure: string, input: unknown) =>
    viewer.request.post(`/api/trpc/${procedure}`, { data: { json: input }, headers: { origin, "content-type": "application/json" } });
  const reply = await call("inbox.reply", {
    sellerId: world.sellerId,
    itemId: world.itemId,
    text: "Нельзя",
    idempotencyKey: `viewer-${world.suffix}`,
  });
  expect(reply.status()).toBe(403);
  const invited = await call("team.invite", { sellerId: world.sellerId, email: `sneaky-${world.suffix}@e2e.local`, role: "OWNER" });
  expect(invited.status()).toBe(403);
  await viewer.context().close();
  expect(await prisma.reply.count({ where: { itemId: world.itemId } })).toBe(0);
  expect(await prisma.invitation.count({ where: { sellerId: world.sellerId, email: `sneaky-${world.suffix}@e2e.local` } })).toBe(0);
});

test("an expired link explains what to do, and the members page fits a phone", async ({ page, prisma }) => {
  const world = await createWorld(prisma, page);
  const link = await invite(page, world, `team-late-${world.suffix}@e2e.local`, "Агент");
  await prisma.invitation.updateMany({ where: { sellerId: world.sellerId }, data: { expiresAt: new Date(Date.now() - 60_000) } });
  await page.goto(link);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Срок этого приглашения истёк");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/s/${world.sellerId}/members`);
  await expect(page.getByRole("button", { name: "Пригласить" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
