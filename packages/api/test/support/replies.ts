// Drives the reply outbox the way the workers do (deliverReply, retry when due) with the test in
// control of time: backoff waits are skipped, SENDING rows left by a "crashed" worker keep their age.
import type { ConnectorOptions } from "@inbox/connectors";
import type { PrismaClient } from "@inbox/db";
import { deliverReply } from "../../src/sync/deliver-reply";

export async function deliverUntilSettled(
  prisma: PrismaClient,
  replyIds: string[],
  connectorOptions: ConnectorOptions,
  options: { rounds?: number; sendingTimeoutMs?: number } = {},
) {
  let attempts = 0;
  for (let round = 0; round < (options.rounds ?? 40); round += 1) {
    const open = await prisma.reply.findMany({ where: { id: { in: replyIds }, status: { in: ["PENDING", "SENDING"] } } });
    if (open.length === 0) return attempts;
    await prisma.reply.updateMany({
      where: { id: { in: open.map((reply) => reply.id) }, status: "PENDING" },
      data: { nextAttemptAt: null },
    });
    for (const reply of open) {
      attempts += 1;
      await deliverReply({
        prisma,
        replyId: reply.id,
        connectorOptions,
        sendingTimeoutMs: options.sendingTimeoutMs ?? 60_000,
        maxAttempts: 100,
      });
    }
  }
  throw new Error("replies did not settle");
}

/** Marks a reply as if its worker died right after the marketplace accepted it: SENDING, claimed long ago. */
export async function simulateCrashAfterSend(prisma: PrismaClient, replyId: string) {
  // (raw SQL: Prisma's @updatedAt would overwrite an explicit updatedAt)
  await prisma.$executeRaw`UPDATE "Reply" SET "status" = 'SENDING', "sentAt" = NULL, "updatedAt" = now() - interval '10 minutes' WHERE "id" = ${replyId}`;
}
