// A Wildberries chat with files, end to end: the buyer and the seller write in the test's own
// Wildberries sandbox (live-seller.ts), the app's sync stores the thread, and the chat page shows
// both sides in time order with their attachments. Wildberries serves chat files only through its
// API, so the page's thumbnails and links point at our route (app/api/attachments), which fetches
// the bytes with the account's token: the test checks that the image really loads from it.
import { readFile } from "node:fs/promises";
import { SANDBOX_PNG } from "@inbox/connectors/sandbox";
import type { Locator } from "@playwright/test";
import { expect, test } from "./live-seller";

const RECEIPT_PDF = Buffer.from("%PDF-1.4\n%e2e receipt\n%%EOF\n");

/** Whether the browser decoded the image: a broken or empty response leaves naturalWidth at 0. */
const imageDecoded = (image: Locator) =>
  image.evaluate((element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0);

test("a chat shows both sides in time order, the buyer's photo as a thumbnail loaded through our route that opens full size, and a file as a link with its name", async ({
  page,
  live,
  prisma,
}) => {
  const world = live.sandbox.world;
  const photo = world.storeFile({ name: "брак-на-шве.png", contentType: "image/png", data: SANDBOX_PNG });
  const receipt = world.storeFile({ name: "чек-заказа.pdf", contentType: "application/pdf", data: RECEIPT_PDF });
  const chat = world.addChatMessage({ text: "Пришла куртка с браком, вот фото", files: [photo] });
  world.addChatMessage({ chatID: chat.chatID, sender: "seller", text: "Сожалеем! Пришлите, пожалуйста, чек" });
  world.addChatMessage({ chatID: chat.chatID, text: "Чек во вложении", files: [receipt] });
  await live.syncNow();
  const item = await prisma.item.findFirstOrThrow({ where: { sellerId: live.sellerId, externalId: chat.chatID } });

  await page.goto(`/s/${live.sellerId}/items/${item.id}`);
  // The thread's own rows (attachments are list items too).
  const thread = page.getByTestId("chat-thread").locator(":scope > li");
  await expect(thread.locator("p.whitespace-pre-wrap")).toHaveText([
    "Пришла куртка с браком, вот фото",
    "Сожалеем! Пришлите, пожалуйста, чек",
    "Чек во вложении",
  ]);
  expect(await thread.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-direction")))).toEqual(["in", "out", "in"]);
  await expect(thread.nth(1).getByTestId("attachments")).toHaveCount(0);

  // The photo: a thumbnail whose bytes come from our route, decoded by the browser.
  const route = `/api/attachments/${live.sellerId}/${item.id}`;
  const photos = thread.nth(0).getByTestId("attachments").getByRole("link");
  await expect(photos).toHaveCount(1);
  const photoLink = photos.first();
  await expect(photoLink).toHaveAttribute("href", `${route}/${photo.downloadID}`);
  await expect(photoLink).toHaveAttribute("target", "_blank");
  const thumbnail = photoLink.locator("img");
  await expect(thumbnail).toHaveAttribute("src", `${route}/${photo.downloadID}`);
  await expect(thumbnail).toHaveAttribute("alt", "брак-на-шве.png");
  await thumbnail.scrollIntoViewIfNeeded();
  await expect.poll(() => imageDecoded(thumbnail)).toBe(true);

  // Clicking it opens the full-size image in a new tab, served by the same route.
  const opened = page.waitForEvent("popup");
  const served = page
    .context()
    .waitForEvent(
      "response",
      (response) => response.request().isNavigationRequest() && response.url().endsWith(`${route}/${photo.downloadID}`),
    );
  await photoLink.click();
  const full = await opened;
  const fullResponse = await served;
  expect(fullResponse.frame().page()).toBe(full);
  expect(fullResponse.status()).toBe(200);
  expect(fullResponse.headers()["content-type"]).toBe("image/png");
  expect(Buffer.compare(await fullResponse.body(), SANDBOX_PNG)).toBe(0);

  // The receipt: a download link named after the file, whose bytes are the buyer's PDF.
  const fileLink = thread
    .nth(2)
    .getByTestId("attachments")
    .getByRole("link", { name: /чек-заказа\.pdf/ });
  await expect(fileLink).toHaveAttribute("href", `${route}/${receipt.downloadID}`);
  await expect(fileLink).toHaveAttribute("download", "чек-заказа.pdf");
  // Downloaded by the browser as the user would (its network stack, not a second HTTP client).
  const downloading = page.waitForEvent("download");
  await fileLink.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("чек-заказа.pdf");
  expect(download.url()).toMatch(new RegExp(`${route}/${receipt.downloadID}$`));
  expect(Buffer.compare(await readFile(await download.path()), RECEIPT_PDF)).toBe(0);
});
