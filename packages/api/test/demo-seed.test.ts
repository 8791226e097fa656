import { Prisma } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateUser } from "../src/index";
import { DEMO_MEDIA_PATH, demoMediaPicture } from "../src/demo/media";
import { DEMO_USER, seedDemoData, startDemoSandboxes, type DemoSandboxes } from "../src/demo/seed";
import { syncAccount } from "../src/sync/sync-account";
import { callerFor } from "./fixtures";
import { FAST_CONNECTOR_OPTIONS } from "./sync-fixtures";

const database = useTestDatabase();
let sandboxes: DemoSandboxes;

beforeAll(async () => {
  sandboxes = await startDemoSandboxes({ size: 9 });
});
afterAll(() => sandboxes.close());

describe("demo data", () => {
  it("gives the demo user two sellers whose accounts sync reviews, questions and chats from the sandboxes, written once", async () => {
    const { prisma } = database();
    expect(await seedDemoData(prisma, sandboxes.accounts)).toEqual({ created: true });
    expect(await seedDemoData(prisma, sandboxes.accounts)).toEqual({ created: false });
    for (const account of sandboxes.accounts) {
      const result = await syncAccount({ prisma, accountId: account.id, connectorOptions: FAST_CONNECTOR_OPTIONS });
      expect(result.status === "done" && result.channels.map((channel) => [channel.channel, channel.status, channel.error])).toEqual(
        result.status === "done" ? result.channels.map((channel) => [channel.channel, "SUCCEEDED", undefined]) : [],
      );
    }

    const signedIn = await authenticateUser(prisma, DEMO_USER.email, DEMO_USER.password);
    if (signedIn.status !== "ok") throw new Error(`demo sign-in: ${signedIn.status}`);
    expect(await authenticateUser(prisma, DEMO_USER.email, "wrong-password")).toEqual({ status: "invalid" });

    const caller = callerFor(prisma, signedIn.user.id);
    const sellers = await caller.seller.list();
    expect(sellers).toHaveLength(2);
    for (const seller of sellers) {
      const inbox = await caller.inbox.list({ sellerId: seller.id, limit: 100 });
      expect(new Set(inbox.items.map((item) => item.channel))).toEqual(new Set(["review", "question", "chat"]));
      expect(
        inbox.items.some((item) => item.marketplace === "wildberries") && inbox.items.some((item) => item.marketplace === "ozon"),
      ).toBe(true);
      expect(inbox.counts.unanswered).toBeGreaterThan(0);
    }

    // Photos and videos link to pictures the app draws, not to made-up CDN paths that load nowhere.
    const stored = await prisma.item.findMany({
      where: { NOT: { attachments: { equals: Prisma.AnyNull } } },
      select: { attachments: true },
    });
    const links = stored.flatMap((item) =>
      (item.attachments as { url?: string; previewUrl?: string }[]).flatMap((a) => [a.url, a.previewUrl].filter((l) => l !== undefined)),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.startsWith(`${DEMO_MEDIA_PATH}/`), link).toBe(true);
      expect(demoMediaPicture(link.slice(DEMO_MEDIA_PATH.length + 1)), link).toMatch(/^<svg /);
    }
  });

  it("draws a picture only for the names the sandboxes give their media", () => {
    expect(demoMediaPicture("photo-feedback04-wbbasket-ru-vol2-photos-fs-webp.svg")).toMatch(/^<svg [^>]*viewBox="0 0 300 400"/);
    // A video is the darker picture (the app labels its tile).
    expect(demoMediaPicture("video-cdn1-ozone-ru-s3-rp-photo-1-video-1-mp4.svg")).toMatch(/stop-color="hsl\(\d+ 70% 45%\)"/);
    expect(demoMediaPicture("photo-cdn1-ozone-ru-s3-rp-photo-1-video-1-mp4.svg")).toMatch(/stop-color="hsl\(\d+ 70% 82%\)"/);
    expect(demoMediaPicture("photo-a.svg")).toBe(demoMediaPicture("photo-a.svg"));
    expect(demoMediaPicture("photo-a.svg")).not.toBe(demoMediaPicture("photo-b.svg"));
    for (const name of ["photo-.svg", "photo-a.png", "../secret.svg", "photo-a b.svg", `photo-${"a".repeat(81)}.svg`, "image-a.svg"])
      expect(demoMediaPicture(name), name).toBeNull();
  });

  it("keeps customers writing to the sandboxes while the demo runs", async () => {
    const live = await startDemoSandboxes({ size: 3, customersEveryMs: 5 });
    try {
      const count = () =>
        live.wildberries.reduce((sum, wb) => sum + wb.world.feedbacks.length + wb.world.questions.length + wb.world.events.length, 0) +
        live.ozon.account("100001").reviews.length +
        live.ozon.account("100003").reviews.length;
      const before = count();
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(count()).toBeGreaterThan(before);
    } finally {
      await live.close();
    }
  });
});
