// Split view with the reply composer: `r` focuses the open item's composer, and after a reply is
// queued the next unanswered item opens. Relies on the composer's window events
// (`inbox:focus-composer` in, `inbox:reply-queued` out), which components/item/reply-composer.tsx
// provides.
import type { Page } from "@playwright/test";
import { expect, openInbox, test } from "./triage-fixtures";

const rows = (page: Page) => page.getByTestId("inbox-item");

test("r goes to the composer of the open item, and after the reply is queued the next unanswered item opens", async ({
  page,
  world,
  prisma,
}) => {
  const [alpha, beta] = world.sellers;
  await page.setViewportSize({ width: 1440, height: 900 });
  await openInbox(page, "/inbox?status=unanswered");
  const pane = page.getByTestId("split-pane");
  const first = alpha.items.get("Размеры маломерят, пришлось вернуть")!;

  await rows(page).filter({ hasText: "Размеры маломерят" }).getByRole("link").focus();
  await page.keyboard.press("r");
  await expect(page).toHaveURL(new RegExp(`open=${alpha.id}\\.${first}`));
  const composer = pane.locator("#reply-text");
  await expect(composer).toBeFocused();
  await composer.fill("Спасибо за отзыв! Поможем подобрать размер.");
  await pane.getByRole("button", { name: /^(Ответить|Отправить)$/ }).click();

  const next = beta.items.get("Доставка заняла неделю, термос целый")!;
  await expect(page).toHaveURL(new RegExp(`open=${beta.id}\\.${next}`));
  await expect(pane.getByTestId("item-view")).toContainText("Доставка заняла неделю, термос целый");
  await expect(rows(page).filter({ hasText: "Размеры маломерят" }).locator(".reply-status")).toBeVisible();
  expect(await prisma.reply.count({ where: { itemId: first } })).toBe(1);
});
