import { expect, signInThroughApi, test } from "./fixtures";

test("a user of another seller who pastes an item URL sees not-found, and its tRPC calls fail", async ({ page, otherSeller, prisma }) => {
  const demoUser = await prisma.user.findUniqueOrThrow({ where: { email: "demo@inbox.local" }, include: { memberships: true } });
  const demoSellerId = demoUser.memberships[0]!.sellerId;
  const demoItem = await prisma.item.findFirstOrThrow({ where: { sellerId: demoSellerId } });

  await signInThroughApi(page, otherSeller.email, otherSeller.password);
  await page.goto(`/s/${otherSeller.sellerId}/items/${otherSeller.itemId}`);
  await expect(page.getByText("Секретный отзыв другого продавца")).toBeVisible();

  for (const url of [`/s/${demoSellerId}/items/${demoItem.id}`, `/s/${otherSeller.sellerId}/items/${demoItem.id}`, `/s/${demoSellerId}`]) {
    const response = await page.goto(url);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Не найдено" })).toBeVisible();
  }

  const input = encodeURIComponent(JSON.stringify({ json: { sellerId: demoSellerId, itemId: demoItem.id } }));
  const read = await page.request.get(`/api/trpc/inbox.get?input=${input}`);
  expect(read.status()).toBe(404);
  const write = await page.request.post("/api/trpc/inbox.markRead", {
    data: { json: { sellerId: demoSellerId, itemId: demoItem.id, read: true } },
  });
  expect(write.status()).toBe(404);
  const reply = await page.request.post("/api/trpc/inbox.reply", {
    data: { json: { sellerId: otherSeller.sellerId, itemId: demoItem.id, text: "Чужой ответ", idempotencyKey: "cross-seller-e2e" } },
  });
  expect(reply.status()).toBe(404);
  expect(await prisma.reply.count({ where: { itemId: demoItem.id, text: "Чужой ответ" } })).toBe(0);
});
