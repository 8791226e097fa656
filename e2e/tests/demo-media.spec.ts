// The demo sandboxes link review photos and videos to pictures the app draws (/demo-media): they
// load as images in the browser under the app's content security policy, and any other name is not
// found. Reads nothing of the demo data.
import { expect, test } from "@playwright/test";

test("the demo's photo and video links load as pictures in the browser, and any other name is not found", async ({ page }) => {
  const photo = await page.request.get("/demo-media/photo-feedback04-wbbasket-ru-vol2-photos-fs-webp.svg");
  expect(photo.status()).toBe(200);
  expect(photo.headers()["content-type"]).toBe("image/svg+xml; charset=utf-8");

  await page.goto("/signin");
  const sizes = await page.evaluate(async () =>
    Promise.all(
      [
        "/demo-media/photo-cdn1-ozone-ru-s3-rp-photo-r1-photo-1-jpg.svg",
        "/demo-media/video-videofeedback01-wbbasket-ru-f1-index-m3u8.svg",
      ].map(async (src) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        return [image.naturalWidth, image.naturalHeight];
      }),
    ),
  );
  expect(sizes).toEqual([
    [600, 800],
    [600, 800],
  ]);

  for (const name of ["photo-a.png", "..%2F..%2Fpackage.json", "image-a.svg"]) {
    expect((await page.request.get(`/demo-media/${name}`)).status(), name).toBe(404);
  }
});
