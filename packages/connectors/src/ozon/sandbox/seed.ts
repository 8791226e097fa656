// Deterministic seeded data for the Ozon sandbox: the same seed and sizes always give the same
// chats, reviews and questions (ids, texts, timestamps), so tests and demos are reproducible.
import { ru, type SeededRandom } from "../../sandbox/kit";
import {
  allocateMessageId,
  allocateSeq,
  mediaUrl,
  type SandboxAccount,
  type SandboxChat,
  type SandboxChatMessage,
  type SandboxQuestion,
  type SandboxReview,
  type SandboxWorld,
} from "./model";

export interface OzonSeedSize {
  /** Buyer chats (plus one support chat per account, which connectors must skip). Default 12. */
  chats?: number;
  /** Upper bound of messages per seeded chat. Default 6. */
  messagesPerChat?: number;
  /** Default 45 (more than two pages of the minimum review page size 20). */
  reviews?: number;
  /** Default 30. */
  questions?: number;
}

const OWNER_COMMENTS = ["Спасибо за отзыв! Рады, что товар понравился.", "Приносим извинения, свяжитесь с нами в чате — поможем."];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function orderNumber(rng: SeededRandom): string {
  return `${rng.int(10000000, 99999999)}-${rng.int(1000, 9999)}-${rng.int(1, 9)}`;
}

export function seedAccount(world: SandboxWorld, account: SandboxAccount, rng: SeededRandom, size: OzonSeedSize, epochMs: number) {
  const span = 60 * 24 * 3600 * 1000;
  const chats = size.chats ?? 12;
  const perChat = Math.max(1, size.messagesPerChat ?? 6);
  const reviews = size.reviews ?? 45;
  const questions = size.questions ?? 30;

  // Chats: created in time order; message ids ascend with time as at Ozon.
  const chatStarts = Array.from({ length: chats }, () => epochMs - rng.int(1, span)).sort((a, b) => a - b);
  for (const start of chatStarts) {
    const chat: SandboxChat = {
      id: rng.uuid(),
      type: "BUYER_SELLER",
      status: rng.chance(0.15) ? "CLOSED" : "OPENED",
      createdAt: iso(start),
      seq: allocateSeq(world),
      messages: [],
      sellerReadUpTo: 0n,
    };
    const buyerId = String(rng.int(10_000_000, 99_999_999));
    const order = orderNumber(rng);
    const sku = rng.int(100_000_000, 999_999_999);
    const count = rng.int(1, perChat);
    let t = start;
    for (let i = 0; i < count; i++) {
      const fromSeller = i > 0 && rng.chance(0.4);
      const msg: SandboxChatMessage = {
        id: 0n,
        createdAt: iso(t),
        userType: fromSeller ? "seller" : "customer",
        userId: fromSeller ? account.clientId : buyerId,
        text: i === 0 ? ru.chatLine(rng) : fromSeller ? ru.sellerReply(rng) : ru.chatLine(rng),
        orderNumber: order,
        sku,
      };
      chat.messages.push(msg);
      t += rng.int(60_000, 3_600_000);
    }
    account.chats.push(chat);
  }
  // Allocate ids in global time order so a later message always has a larger id.
  const allMessages = account.chats.flatMap((c) => c.messages).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const m of allMessages) m.id = allocateMessageId(world);
  for (const chat of account.chats) {
    if (rng.chance(0.5)) chat.sellerReadUpTo = chat.messages[chat.messages.length - 1]?.id ?? 0n;
  }
  // One support chat: connectors must not treat it as a buyer conversation.
  account.chats.push({
    id: rng.uuid(),
    type: "SELLER_SUPPORT",
    status: "OPENED",
    createdAt: iso(epochMs - span),
    seq: allocateSeq(world),
    messages: [
      {
        id: allocateMessageId(world),
        createdAt: iso(epochMs - span),
        userType: "support",
        userId: "support",
        text: "Здравствуйте! Это служба поддержки продавцов Ozon.",
      },
    ],
    sellerReadUpTo: 0n,
  });

  // A buyer chat of an Ozon Select order: a buyer conversation with its own chat type.
  if (chats > 0) {
    const start = epochMs - rng.int(1, span);
    account.chats.push({
      id: rng.uuid(),
      type: "BUYER_SELLER_SELECT",
      status: "OPENED",
      createdAt: iso(start),
      seq: allocateSeq(world),
      messages: [
        {
          id: allocateMessageId(world),
          createdAt: iso(start),
          userType: "customer",
          userId: String(rng.int(10_000_000, 99_999_999)),
          text: ru.chatLine(rng),
        },
      ],
      sellerReadUpTo: 0n,
    });
  }

  const reviewTimes = Array.from({ length: reviews }, () => epochMs - rng.int(1, span)).sort((a, b) => a - b);
  for (const t of reviewTimes) {
    const generated = ru.review(rng);
    const rating = generated.rating;
    const review: SandboxReview = {
      id: rng.uuid(),
      seq: allocateSeq(world),
      sku: rng.int(100_000_000, 999_999_999),
      text: generated.text,
      rating,
      publishedAt: iso(t),
      status: "NEW",
      orderStatus: rng.chance(0.9) ? "DELIVERED" : "CANCELLED",
      photos: [],
      videos: [],
      comments: [],
    };
    const photos = rng.chance(0.2) ? rng.int(1, 4) : 0;
    for (let i = 0; i < photos; i++) review.photos.push(mediaUrl(review.id, "photo", i));
    if (rng.chance(0.05)) review.videos.push(mediaUrl(review.id, "video", 0));
    const roll = rng.next();
    if (roll < 0.3) {
      review.status = "PROCESSED";
      review.comments.push({
        id: rng.uuid(),
        text: rng.pick(OWNER_COMMENTS),
        publishedAt: iso(t + 3_600_000),
        parentCommentId: null,
        isOwner: true,
        isOfficial: true,
        moderation: "published",
        publishAt: null,
      });
    } else if (roll < 0.5) {
      review.status = "VIEWED";
    }
    account.reviews.push(review);
  }

  const questionTimes = Array.from({ length: questions }, () => epochMs - rng.int(1, span)).sort((a, b) => a - b);
  for (const t of questionTimes) {
    const question: SandboxQuestion = {
      id: rng.uuid(),
      seq: allocateSeq(world),
      sku: rng.int(100_000_000, 999_999_999),
      productName: ru.productName(rng),
      text: ru.question(rng),
      authorName: ru.personName(rng),
      publishedAt: iso(t),
      status: "NEW",
      answers: [],
    };
    const answerRoll = rng.next();
    if (answerRoll < 0.3) {
      question.status = "PROCESSED";
      question.answers.push({
        id: rng.uuid(),
        text: "Здравствуйте! Да, гарантия 12 месяцев.",
        authorName: account.sellerName,
        publishedAt: iso(t + 7_200_000),
        statusPublication: "PUBLISHED",
      });
    } else if (answerRoll < 0.5) {
      question.status = "VIEWED";
    }
    account.questions.push(question);
  }
}
