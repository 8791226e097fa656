// Where the sandboxes' photo and video links point: the marketplace's CDN as its API returns them,
// or (the demo) the app's picture route, for every marketplace's reviews and chat files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConnector, type ChannelAttachment } from "../src/index";
import {
  SANDBOX_MEDIA_FILE,
  sandboxMediaLink,
  startOzonSandbox,
  startWildberriesSandbox,
  startYandexMarketSandbox,
  type OzonSandbox,
  type WildberriesSandbox,
  type YandexMarketSandbox,
} from "../src/sandbox/index";

const options = { rateLimit: false as const, retry: { maxRetries: 0 } };
const links = (attachments: ChannelAttachment[] | undefined) =>
  (attachments ?? []).flatMap((a) => [a.url, a.previewUrl]).filter((link): link is string => link !== undefined);

describe("sandboxMediaLink", () => {
  it("keeps the CDN link unless a media base is set, then names a picture under it after the link", () => {
    const cdn = "https://feedback04.wbbasket.ru/vol7/photos/fs.webp";
    expect(sandboxMediaLink(cdn, undefined)).toBe(cdn);
    expect(sandboxMediaLink(cdn, "/demo-media")).toBe("/demo-media/photo-feedback04-wbbasket-ru-vol7-photos-fs-webp.svg");
    expect(sandboxMediaLink("https://cdn1.ozone.ru/s3/rp-photo/r1-video-1.mp4", "/m")).toBe(
      "/m/video-cdn1-ozone-ru-s3-rp-photo-r1-video-1-mp4.svg",
    );
    // A video's preview image is drawn as a video too; a photo on the same host is a photo.
    expect(sandboxMediaLink("https://videofeedback01.wbbasket.ru/f1/preview.webp", "/m")).toBe(
      "/m/video-videofeedback01-wbbasket-ru-f1-preview-webp.svg",
    );
    expect(sandboxMediaLink("https://cdn1.ozone.ru/s3/rp-photo/r1-photo-2.jpg", "/m")).toBe(
      "/m/photo-cdn1-ozone-ru-s3-rp-photo-r1-photo-2-jpg.svg",
    );
    const long = sandboxMediaLink(`https://cdn.example/${"segment/".repeat(30)}x.jpg`, "/m");
    expect(long.startsWith("/m/photo-"), long).toBe(true);
    expect(long.slice("/m/".length)).toMatch(SANDBOX_MEDIA_FILE);
  });
});

describe("sandboxes started with a media base", () => {
  let wb: WildberriesSandbox;
  let ozon: OzonSandbox;
  let ym: YandexMarketSandbox;
  beforeAll(async () => {
    wb = await startWildberriesSandbox({ seed: 3, size: 30, rateLimits: false, mediaBaseUrl: "/demo-media" });
    ozon = await startOzonSandbox({
      seed: 3,
      size: { reviews: 40, questions: 1, chats: 1 },
      rateLimit: false,
      mediaBaseUrl: "/demo-media",
    });
    ym = await startYandexMarketSandbox({ seed: 3, feedbacks: 20, chats: 15, questions: 1, mediaBaseUrl: "/demo-media" });
  });
  afterAll(async () => {
    await Promise.all([wb.close(), ozon.close(), ym.close()]);
  });

  it("link every review photo and video there: Wildberries and Yandex Market in the list, Ozon in /v2/review/info", async () => {
    const wbToken = { apiToken: wb.issueToken({ type: "personal", categories: ["feedbacks"] }) };
    const wbReviews = await getConnector("wildberries", "review", wbToken, { ...options, baseUrl: wb.feedbacksUrl }).listItems({
      take: 100,
    });
    const ymReviews = await getConnector("yandex-market", "review", ym.credentials, { ...options, baseUrl: ym.url }).listItems({
      take: 50,
    });
    const ozonReviews = getConnector("ozon", "review", ozon.credentials, { ...options, baseUrl: ozon.url });
    const withMedia = ozon.account().reviews.filter((r) => r.photos.length + r.videos.length > 0);
    const ozonLinks = (await Promise.all(withMedia.map((r) => ozonReviews.getAttachments!({ itemId: r.id })))).flatMap((a) =>
      links(a ?? []),
    );
    for (const [marketplace, found] of [
      ["wildberries", wbReviews.items.flatMap((item) => links(item.attachments))],
      ["yandex-market", ymReviews.items.flatMap((item) => links(item.attachments))],
      ["ozon", ozonLinks],
    ] as const) {
      expect(found.length, marketplace).toBeGreaterThan(0);
      for (const link of found) {
        expect(link.startsWith("/demo-media/"), link).toBe(true);
        expect(link.slice("/demo-media/".length), marketplace).toMatch(SANDBOX_MEDIA_FILE);
      }
    }
  });

  it("link Yandex Market chat files there", async () => {
    const chats = await getConnector("yandex-market", "chat", ym.credentials, { ...options, baseUrl: ym.url }).listItems({ take: 50 });
    const files = chats.items.flatMap((chat) => (chat.messages ?? []).flatMap((message) => links(message.attachments)));
    expect(files.length).toBeGreaterThan(0);
    for (const link of files) expect(link).toMatch(/^\/demo-media\/photo-/);
  });
});
