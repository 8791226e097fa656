// The caller's memberships decide what every seller procedure may touch: they are read once per
// request (context) and never outlive it.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { createTRPCContext } from "../src/index";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();

describe("memberships", () => {
  it("lists the caller's sellers by name with the caller's role in each", async () => {
    const { prisma } = database();
    const user = await createUser(prisma, "Olga");
    const zeta = await createSellerWithItems(prisma, "Зета", []);
    const alpha = await createSellerWithItems(prisma, "Альфа", []);
    await createSellerWithItems(prisma, "Чужой", []);
    await addMember(prisma, user.id, zeta.seller.id, "VIEWER");
    await addMember(prisma, user.id, alpha.seller.id, "OWNER");
    expect(await callerFor(prisma, user.id).seller.list()).toEqual([
      { id: alpha.seller.id, name: "Альфа", role: "OWNER" },
      { id: zeta.seller.id, name: "Зета", role: "VIEWER" },
    ]);
  });

  it("are read once per context, however many procedures ask", async () => {
    const { prisma } = database();
    const user = await createUser(prisma, "Petr");
    const { seller } = await createSellerWithItems(prisma, "Один", [{}]);
    await addMember(prisma, user.id, seller.id, "AGENT");
    const context = createTRPCContext({ userId: user.id, prisma });
    const first = context.memberships();
    expect(context.memberships()).toBe(first);
    expect(await first).toEqual([{ id: seller.id, name: "Один", role: "AGENT" }]);
  });

  it("lose a seller for the next request once the membership is removed", async () => {
    const { prisma } = database();
    const user = await createUser(prisma, "Rita");
    const { seller } = await createSellerWithItems(prisma, "Ушедший", [{}]);
    const membership = await addMember(prisma, user.id, seller.id, "OWNER");
    expect((await callerFor(prisma, user.id).inbox.list({ sellerId: seller.id })).items).toHaveLength(1);
    await prisma.membership.delete({ where: { id: membership.id } });
    await expect(callerFor(prisma, user.id).inbox.list({ sellerId: seller.id })).rejects.toSatisfy(
      (error: unknown) => error instanceof TRPCError && error.code === "NOT_FOUND",
    );
    expect(await callerFor(prisma, user.id).seller.list()).toEqual([]);
  });
});
