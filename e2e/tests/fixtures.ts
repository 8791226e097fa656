// Test world for the browser tests: users are created straight in the app's database, and signing
// in goes through the auth API (only sign-in.spec.ts uses the form).
import fs from "node:fs";
import path from "node:path";
import { hashPassword, removeSellers } from "@inbox/api";
import { DEMO_USER } from "@inbox/api/demo";
import { createPrismaClient, type PrismaClient } from "@inbox/db";
import { test as base, expect, type Page } from "@playwright/test";
import { E2E_DATA_DIR } from "../playwright.config";

function databaseUrl(): string {
  const runtime = JSON.parse(fs.readFileSync(path.join(E2E_DATA_DIR, "runtime.json"), "utf8")) as { databaseUrl: string };
  return runtime.databaseUrl;
}

/**
 * For API calls a test makes beside the browser: a connection of its own each time. Playwright's
 * request client reuses an idle keep-alive connection without retrying, so a call after a long pause
 * (a second server starting) could meet one the server was just closing (ECONNRESET).
 */
export const FRESH_CONNECTION = { connection: "close" } as const;

export async function signInThroughApi(page: Page, email: string, password: string) {
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf", { headers: FRESH_CONNECTION })).json()) as {
    csrfToken: string;
  };
  const response = await page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    headers: FRESH_CONNECTION,
  });
  expect(response.ok()).toBe(true);
}

interface Fixtures {
  prisma: PrismaClient;
  /** The demo user, signed in. */
  demoPage: Page;
  /** A fresh user owning a seller of its own, with one item. */
  otherSeller: { email: string; password: string; sellerId: string; itemId: string };
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  prisma: async ({}, use) => {
    const prisma = createPrismaClient(databaseUrl());
    await use(prisma);
    await prisma.$disconnect();
  },
  demoPage: async ({ page }, use) => {
    await signInThroughApi(page, DEMO_USER.email, DEMO_USER.password);
    await use(page);
  },
  otherSeller: async ({ prisma }, use) => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const password = `other-${suffix}-password`;
    const user = await prisma.user.create({
      data: { email: `other-${suffix}@e2e.local`, name: "Другой продавец", passwordHash: await hashPassword(password) },
    });
    const seller = await prisma.seller.create({
      data: { name: `Чужой магазин ${suffix}`, memberships: { create: { userId: user.id, role: "OWNER" } } },
    });
    const account = await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "OZON", displayName: "Ozon", credentialsEncrypted: "v1:a:b:c" },
    });
    const item = await prisma.item.create({
      data: {
        sellerId: seller.id,
        accountId: account.id,
        marketplace: "OZON",
        channel: "REVIEW",
        externalId: `e2e-${suffix}`,
        text: "Секретный отзыв другого продавца",
        rating: 4,
        upstreamCreatedAt: new Date(),
        lastActivityAt: new Date(),
      },
    });
    await use({ email: user.email, password, sellerId: seller.id, itemId: item.id });
    await removeTestData(prisma, { sellerIds: [seller.id], userIds: [user.id] });
  },
});

export { expect };

/**
 * Deletes what a test created. The app's workers may still be delivering one of its replies or
 * marking its items read: the sellers go through the app's own removal, which waits for them.
 */
export async function removeTestData(prisma: PrismaClient, created: { sellerIds: string[]; userIds: string[] }) {
  await removeSellers(prisma, created.sellerIds);
  await prisma.user.deleteMany({ where: { id: { in: created.userIds } } });
}
