// The inbox in English: a user whose language is English works the queue without a Russian word of
// interface (the buyers' own texts stay as they wrote them).
import { expect, openInbox, test } from "./triage-fixtures";

const CYRILLIC = /[А-Яа-яЁё]/;

test("a user who chose English sees the inbox, its filters, the keys and an item opened with o in English", async ({
  page,
  world,
  prisma,
}) => {
  await prisma.user.update({ where: { id: world.userId }, data: { locale: "en" } });
  const [alpha] = world.sellers;
  await world.addItems(alpha, [{ channel: "REVIEW", text: "Язык: новый отзыв", rating: 2, productName: "Куртка", minutesAgo: 0 }]);
  await page.setViewportSize({ width: 1000, height: 900 });
  await openInbox(page, "/inbox");

  await expect(page.getByRole("searchbox", { name: "Search" })).toBeVisible();
  const filters = page.getByTestId("inbox-filters");
  await expect(filters).toContainText("Rating");
  // Seller names are the sellers' own (Russian here); everything else in the filters is English.
  const filterText = (await filters.innerText()).replaceAll(alpha.name, "").replaceAll(world.sellers[1].name, "");
  expect(filterText).not.toMatch(CYRILLIC);

  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard" })).toContainText("mark read");
  await page.keyboard.press("Escape");

  // o opens the active row, as Enter does.
  await page.keyboard.press("j");
  await expect(page.getByTestId("inbox-item").first()).toContainText("Язык: новый отзыв");
  await page.keyboard.press("o");
  await expect(page).toHaveURL(new RegExp(`/s/${alpha.id}/items/${alpha.items.get("Язык: новый отзыв")}`));
  const composer = page.getByTestId("composer");
  await expect(composer.getByRole("button", { name: "Send" })).toBeVisible();
  await expect(composer.getByTestId("reply-counter")).toBeVisible();
  const composerText = (await composer.innerText()).replace(/Язык: новый отзыв|Куртка/g, "");
  expect(composerText).not.toMatch(CYRILLIC);
});
