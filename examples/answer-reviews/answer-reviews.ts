// Example for other apps: with an API token (scopes read + reply), list a seller's unanswered
// reviews and answer the oldest one, through the typed client from @inbox/api.
//
//   INBOX_URL=http://localhost:3000 INBOX_TOKEN=inbox_… pnpm --filter @inbox/example-answer-reviews start
//
// INBOX_SELLER_ID is optional: a token belongs to one seller, and seller.list returns just that one.
// INBOX_REPLY_TEXT sets the answer. Prints what it read and did; exits non-zero on any failure.
import { randomUUID } from "node:crypto";
import { createInboxClient, TRPCClientError } from "@inbox/api/client";

const url = process.env.INBOX_URL ?? "http://localhost:3000";
const token = process.env.INBOX_TOKEN;
if (!token) {
  console.error("Set INBOX_TOKEN to an API token (the seller's API page, or `npm run -s token:create -- …`).");
  process.exit(2);
}

const inbox = createInboxClient({ url, token });

try {
  const sellerId = process.env.INBOX_SELLER_ID ?? (await inbox.seller.list.query())[0]?.id;
  if (!sellerId) throw new Error("This token sees no seller.");

  const page = await inbox.inbox.list.query({ sellerId, channel: "review", status: "unanswered", limit: 20 });
  console.log(`${page.items.length} unanswered review(s) for seller ${sellerId}:`);
  for (const item of page.items) console.log(`- ${item.id} [${item.marketplace}] ${item.rating ?? "–"}★ ${item.text.slice(0, 80)}`);

  const oldest = page.items.at(-1);
  if (!oldest) {
    console.log("Nothing to answer.");
  } else {
    const text = process.env.INBOX_REPLY_TEXT ?? "Спасибо за отзыв! Мы рады, что вам понравилось.";
    // The same key on a retry never creates a second reply.
    const reply = await inbox.inbox.reply.mutate({ sellerId, itemId: oldest.id, text, idempotencyKey: randomUUID() });
    console.log(`answered ${oldest.id}: reply ${reply.id} is ${reply.status}`);
  }
} catch (error) {
  console.error(error instanceof TRPCClientError ? `The inbox refused: ${error.message}` : error);
  process.exitCode = 1;
}
