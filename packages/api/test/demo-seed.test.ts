import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { describe, expect, it } from "vitest";
import { authenticateUser } from "../src/index";
import { DEMO_USER, seedDemoData } from "../src/demo/seed";
import { callerFor } from "./fixtures";

const database = useTestDatabase();

describe("demo data", () => {
  it("gives the demo user two sellers with reviews, questions and chats, and is written only once", async () => {
    const { prisma } = database();
    expect(await seedDemoData(prisma)).toEqual({ created: true });
    expect(await seedDemoData(prisma)).toEqual({ created: false });

    const user = await authenticateUser(prisma, DEMO_USER.email, DEMO_USER.password);
    expect(user).not.toBeNull();
    expect(await authenticateUser(prisma, DEMO_USER.email, "wrong-password")).toBeNull();

    const caller = callerFor(prisma, user!.id);
    const sellers = await caller.seller.list();
    expect(sellers).toHaveLength(2);
    for (const seller of sellers) {
      const inbox = await caller.inbox.list({ sellerId: seller.id, limit: 100 });
      expect(new Set(inbox.items.map((item) => item.channel))).toEqual(new Set(["review", "question", "chat"]));
      expect(new Set(inbox.items.map((item) => item.marketplace))).toEqual(new Set(["wildberries", "ozon"]));
      expect(inbox.counts.answered).toBeGreaterThan(0);
      expect(inbox.counts.unanswered).toBeGreaterThan(0);
    }
  });
});
