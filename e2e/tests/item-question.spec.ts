// A buyer's question opened on its own page shows the product it is about, as a review does
// (item-composer.spec.ts): name, article, the marketplace's product id and a link to the product on
// the marketplace that opens in a new tab without handing it our window. Fresh data per test
// (triage-fixtures.ts); the marketplace's product page is answered by the test, never fetched.
import type { PrismaClient } from "@inbox/db";
import { expect, test, type TriageSeller } from "./triage-fixtures";

const PRODUCT_URL = "https://www.wildberries.ru/catalog/214365879/detail.aspx";

/** A new question of `seller` with the given text and product fields. */
function createQuestion(
  prisma: PrismaClient,
  seller: TriageSeller,
  fields: { text: string } & Partial<Record<"authorName" | "productExternalId" | "productName" | "productArticle" | "productUrl", string>>,
) {
  const now = new Date();
  return prisma.item.create({
    data: {
      sellerId: seller.id,
      accountId: seller.accountId,
      marketplace: seller.marketplace,
      channel: "QUESTION",
      externalId: `question-${Math.random().toString(36).slice(2, 10)}`,
      upstreamCreatedAt: now,
      lastActivityAt: now,
      ...fields,
    },
  });
}

test("a question shows its product card with article, marketplace id and a link opening the marketplace page in a new tab without opener", async ({
  page,
  world,
  prisma,
}) => {
  const [alpha] = world.sellers;
  const question = await createQuestion(prisma, alpha, {
    text: "Влезет ли ноутбук 16 дюймов?",
    authorName: "Игорь",
    productExternalId: "214365879",
    productName: "Рюкзак для ноутбука",
    productArticle: "BAG-16",
    productUrl: PRODUCT_URL,
  });
  // The marketplace's page, answered here: the browser must reach exactly this address.
  await page
    .context()
    .route(PRODUCT_URL, (route) =>
      route.fulfill({ contentType: "text/html; charset=utf-8", body: "<title>Рюкзак на Wildberries</title>" }),
    );

  await page.goto(`/s/${alpha.id}/items/${question.id}`);
  const view = page.getByTestId("item-view");
  await expect(view.getByText("Влезет ли ноутбук 16 дюймов?")).toBeVisible();
  const product = view.getByTestId("product");
  await expect(product).toContainText("Товар: Рюкзак для ноутбука");
  await expect(product).toContainText("Артикул: BAG-16");
  await expect(product).toContainText("ID на площадке: 214365879");
  const link = product.getByRole("link", { name: "Рюкзак для ноутбука" });
  await expect(link).toHaveAttribute("href", PRODUCT_URL);
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).toHaveAttribute("rel", /\bnoopener\b/);

  const popupOpened = page.waitForEvent("popup");
  await link.click();
  const popup = await popupOpened;
  await expect(popup).toHaveURL(PRODUCT_URL);
  await expect(popup).toHaveTitle("Рюкзак на Wildberries");
  // noopener: the marketplace's page cannot reach back into the inbox's window.
  expect(await popup.evaluate(() => window.opener === null)).toBe(true);
  // The inbox stays where it was.
  await expect(page).toHaveURL(new RegExp(`/s/${alpha.id}/items/${question.id}$`));
});

test("a question whose product has no marketplace link names the product without a link", async ({ page, world }) => {
  const [alpha] = world.sellers;
  // From BASE_ITEMS: a question with only the product's name.
  await page.goto(`/s/${alpha.id}/items/${alpha.items.get("Есть ли этот рюкзак в синем цвете?")}`);
  const product = page.getByTestId("item-view").getByTestId("product");
  await expect(product).toContainText("Товар: Рюкзак городской");
  await expect(product.getByRole("link")).toHaveCount(0);
});

test("a product known only by the seller's article (Yandex Market) is named by it, shown once", async ({ page, world, prisma }) => {
  const [alpha] = world.sellers;
  const question = await createQuestion(prisma, alpha, {
    text: "Есть ли гарантия?",
    productExternalId: "SKU-1144",
    productArticle: "SKU-1144",
  });
  await page.goto(`/s/${alpha.id}/items/${question.id}`);
  const product = page.getByTestId("item-view").getByTestId("product");
  await expect(product).toHaveText("Товар: SKU-1144");
});
