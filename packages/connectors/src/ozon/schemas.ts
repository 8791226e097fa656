// Zod schemas of the Ozon Seller API responses the connectors read (reference §2). Objects are
// loose: Ozon adds fields often, and an unknown field must not break ingestion. uint64/int64 ids
// arrive either as JSON strings or (after lossless parsing) as strings of digits or safe numbers;
// all of them are normalised to decimal strings.
import { z } from "zod";

/** A uint64/int64 id as Ozon sends it (string or number), normalised to a decimal string. */
export const ozonId = z
  .union([z.string().regex(/^-?\d+$/, "expected a decimal id"), z.number().int()])
  .transform((v) => (typeof v === "number" ? String(v) : v));

const optionalId = z.union([ozonId, z.null()]).optional();
const isoDateTime = z.string().min(1);

export const rpcStatusSchema = z.looseObject({
  code: z.number().int(),
  message: z.string().default(""),
  details: z.unknown().optional(),
});
export type OzonRpcStatus = z.infer<typeof rpcStatusSchema>;

// ---- chats ----------------------------------------------------------------------------------

export const chatListV3Schema = z.looseObject({
  chats: z
    .array(
      z.looseObject({
        chat: z.looseObject({
          chat_id: z.string().min(1),
          chat_status: z.string().default(""),
          chat_type: z.string().default(""),
          created_at: isoDateTime,
        }),
        first_unread_message_id: optionalId,
        last_message_id: optionalId,
        unread_count: z.number().int().default(0),
      }),
    )
    .default([]),
  total_unread_count: z.number().int().optional(),
  cursor: z.string().default(""),
  has_next: z.boolean().default(false),
});
export type OzonChatListV3 = z.infer<typeof chatListV3Schema>;
export type OzonChatListEntry = OzonChatListV3["chats"][number];

export const chatMessageSchema = z.looseObject({
  message_id: ozonId,
  created_at: isoDateTime,
  user: z.looseObject({ id: z.string().default(""), type: z.string().default("") }),
  data: z.array(z.string()).default([]),
  is_image: z.boolean().optional(),
  is_read: z.boolean().optional(),
  moderate_image_status: z.string().optional(),
  context: z
    .looseObject({ order_number: z.string().optional(), sku: z.union([z.string(), z.number()]).optional() })
    .nullable()
    .optional(),
});
export type OzonChatMessage = z.infer<typeof chatMessageSchema>;

export const chatHistoryV3Schema = z.looseObject({
  has_next: z.boolean().default(false),
  messages: z.array(chatMessageSchema).default([]),
});
export type OzonChatHistoryV3 = z.infer<typeof chatHistoryV3Schema>;

export const chatSendMessageSchema = z.looseObject({ result: z.string() });
export const chatReadSchema = z.looseObject({ unread_count: z.number().int().default(0) });

// ---- reviews --------------------------------------------------------------------------------

export const reviewSchema = z.looseObject({
  id: z.string().min(1),
  sku: ozonId,
  text: z.string().default(""),
  rating: z.number().int(),
  published_at: isoDateTime,
  status: z.string(),
  order_status: z.string().optional(),
  is_rating_participant: z.boolean().optional(),
  comments_amount: z.number().int().default(0),
  photos_amount: z.number().int().optional(),
  videos_amount: z.number().int().optional(),
});
export type OzonReview = z.infer<typeof reviewSchema>;

export const reviewListV2Schema = z.looseObject({
  has_next: z.boolean().default(false),
  last_id: z.string().default(""),
  reviews: z.array(reviewSchema).default([]),
});

export const reviewInfoV2Schema = reviewSchema.extend({
  likes_amount: z.number().int().optional(),
  dislikes_amount: z.number().int().optional(),
});

export const reviewCommentCreateSchema = z.looseObject({ comment_id: z.string().min(1) });

export const reviewCommentSchema = z.looseObject({
  id: z.string().min(1),
  text: z.string().default(""),
  published_at: isoDateTime,
  parent_comment_id: z.string().nullable().optional(),
  is_owner: z.boolean().default(false),
  is_official: z.boolean().optional(),
  is_published: z.boolean().optional(),
  is_rejected: z.boolean().optional(),
  deviation_reason: z.string().nullable().optional(),
});
export type OzonReviewComment = z.infer<typeof reviewCommentSchema>;

export const reviewCommentListSchema = z.looseObject({
  comments: z.array(reviewCommentSchema).default([]),
  offset: z.number().int().default(0),
});

/** change-status methods answer 200 with an empty object. */
export const emptyResponseSchema = z.looseObject({});

// ---- questions ------------------------------------------------------------------------------

export const questionSchema = z.looseObject({
  id: z.string().min(1),
  sku: ozonId,
  text: z.string().default(""),
  author_name: z.string().optional(),
  published_at: isoDateTime,
  status: z.string(),
  answers_count: z.number().int().default(0),
  product_url: z.string().optional(),
  question_link: z.string().optional(),
});
export type OzonQuestion = z.infer<typeof questionSchema>;

export const questionListSchema = z.looseObject({
  questions: z.array(questionSchema).default([]),
  last_id: z.string().default(""),
  has_next: z.boolean().optional(),
});

export const questionInfoSchema = questionSchema;

export const questionAnswerCreateSchema = z.looseObject({ answer_id: z.string().min(1) });

export const questionAnswerSchema = z.looseObject({
  id: z.string().min(1),
  question_id: z.string(),
  sku: ozonId.optional(),
  text: z.string().default(""),
  author_name: z.string().optional(),
  published_at: isoDateTime,
  status_publication: z.string().optional(),
});
export type OzonQuestionAnswer = z.infer<typeof questionAnswerSchema>;

export const questionAnswerListSchema = z.looseObject({
  answers: z.array(questionAnswerSchema).default([]),
  last_id: z.string().default(""),
});
