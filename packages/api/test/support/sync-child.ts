// A worker process that sync-crash.test.ts kills with SIGKILL. It talks to the test over stdout:
//   sync mode    — runs syncAccount until a run ends with every channel SUCCEEDED; prints "request"
//                  after every HTTP response (kill points) and "caught-up" at the end.
//   deliver mode — delivers one reply; after the marketplace accepts the write it prints "sent" and
//                  freezes, so the test can kill it between sending and recording.
// Environment: DATABASE_URL, INBOX_SECRET_KEY, CHILD_MODE, CHILD_ACCOUNT_ID | CHILD_REPLY_ID,
// CHILD_CONNECTOR_OPTIONS (JSON), CHILD_LEASE_MS, CHILD_PAGE_SIZE.
import type { ConnectorOptions } from "@inbox/connectors";
import { createPrismaClient } from "@inbox/db";
import { deliverReply } from "../../src/sync/deliver-reply";
import { syncAccount } from "../../src/sync/sync-account";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const say = (line: string) => process.stdout.write(`${line}\n`); // synchronous on pipes
const prisma = createPrismaClient(required("DATABASE_URL"));
const connectorOptions = JSON.parse(process.env.CHILD_CONNECTOR_OPTIONS ?? "{}") as ConnectorOptions;

if (required("CHILD_MODE") === "sync") {
  const accountId = required("CHILD_ACCOUNT_ID");
  for (;;) {
    const result = await syncAccount({
      prisma,
      accountId,
      workerId: `child-${process.pid}`,
      leaseMs: Number(process.env.CHILD_LEASE_MS ?? 1_000),
      pageSize: Number(process.env.CHILD_PAGE_SIZE ?? 40),
      connectorOptions: { ...connectorOptions, onRequest: () => say("request") },
    });
    if (result.status === "done" && result.channels.every((channel) => channel.status === "SUCCEEDED")) break;
    // "busy": the killed worker's lease has not expired yet.
    if (result.status === "skipped") await new Promise((resolve) => setTimeout(resolve, 100));
  }
  say("caught-up");
} else {
  const outcome = await deliverReply({
    prisma,
    replyId: required("CHILD_REPLY_ID"),
    connectorOptions: {
      ...connectorOptions,
      onRequest: (info) => {
        if (info.method !== "GET" && info.status >= 200 && info.status < 300) {
          say("sent");
          // Freeze: the marketplace has the answer, our database does not know yet.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
        }
      },
    },
  });
  say(`outcome ${outcome.status}`);
}
await prisma.$disconnect();
