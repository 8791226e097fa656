// Zod schemas of the Ozon Seller API responses the connectors read. They are exactly as permissive
// as the published spec (vispar-tech/ozon-seller-api-schema): the spec marks no response property
// required, so every field is optional and gets a neutral default; only the ids that address a
// record (chat_id, message_id, review/comment/question/answer id) are demanded, because a record
// without one cannot be stored or answered. Objects are loose (Ozon adds fields often). int64/uint64
// values arrive as JSON numbers or, as proto3 JSON writes them, as strings of digits (`sku`,
// `answers_count`, ids); booleans such as `has_next` occasionally arrive as "true"/"false".
import { z } from "zod";

/** A uint64/int64 id as Ozon sends it (string or number), normalised to a decimal string. */
export const ozonId = z
  .union([z.string().regex(/^-?\d+$/, "expected a decimal id"), z.number().int()])
  .transform((v) => (typeof v === "number" ? String(v) : v));

/** An integer sent as a number or as a string of digits (proto3 JSON encodes int64 so). */
export const ozonInt = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/, "expected an integer")])
  .transform((v) => (typeof v === "number" ? v : Number(v)));

/** A boolean sent as true/false or "true"/"false". */
export const ozonBool = z.union([z.boolean(), z.enum(["true", "false"])]).transform((v) => v === true || v === "true");

/** Absent and null both mean "not given". */
const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
const optString = opt(z.string());
const optInt = opt(ozonInt);
const optBool = opt(ozonBool);
const optId = opt(ozonId);
const optList = <T extends z.ZodType>(item: T) => opt(z.array(item)).transform((v) => v ?? []);

export const rpcStatusSchema = z.looseObject({
  code: ozonInt,
  message: z.string().nullable().optional(),
  details: z.unknown().optional(),
});
export type OzonRpcStatus = z.infer<typeof rpcStatusSchema>;

// ---- chats (v3ChatListResponse, v3ChatHistoryResponse, v3ChatMessage) ----------------------

export const chatListV3Schema = z.looseObject({
  chats: optList(
    z.looseObject({
      chat: z.looseObject({
        chat_id: z.string().min(1),
        chat_status: optString,
        chat_type: optString,
        created_at: optString,
      }),
      first_unread_message_id: optId,
      last_message_id: optId,
      unread_count: optInt,
    }),
  ),
  total_unread_count: optInt,
  cursor: optString,
  has_next: optBool,
});
export type OzonChatListV3 = z.infer<typeof chatListV3Schema>;
export type OzonChatListEntry = OzonChatListV3["chats"][number];

export const chatMessageSchema = z.looseObject({
  message_id: ozonId,
  created_at: optString,
  user: opt(z.looseObject({ id: optString, type: optString })),
  data: optList(z.string()),
  is_image: optBool,
  is_read: optBool,
  moderate_image_status: optString,
  context: opt(z.looseObject({ order_number: optString, sku: opt(z.union([z.string(), z.number()])) })),
});
export type OzonChatMessage = z.infer<typeof chatMessageSchema>;

export const chatHistoryV3Schema = z.looseObject({
  has_next: optBool,
  messages: optList(chatMessageSchema),
});
export type OzonChatHistoryV3 = z.infer<typeof chatHistoryV3Schema>;

export const chatSendMessageSchema = z.looseObject({ result: optString });
export const chatReadSchema = z.looseObject({ unread_count: optInt });

// ---- reviews (review.v2 list/info, v1CommentList/Create) ------------------------------------

const reviewPhotoSchema = z.looseObject({ url: optString, width: optInt, height: optInt });
const reviewVideoSchema = z.looseObject({
  url: optString,
  preview_url: optString,
  short_video_preview_url: optString,
  width: optInt,
  height: optInt,
});

export const reviewSchema = z.looseObject({
  id: z.string().min(1),
  sku: optId,
  text: optString,
  rating: optInt,
  published_at: optString,
  status: optString,
  order_status: optString,
  is_rating_participant: optBool,
  comments_amount: optInt,
  photos_amount: optInt,
  videos_amount: optInt,
});
export type OzonReview = z.infer<typeof reviewSchema> & {
  photos?: z.infer<typeof reviewPhotoSchema>[];
  videos?: z.infer<typeof reviewVideoSchema>[];
};

export const reviewListV2Schema = z.looseObject({
  has_next: optBool,
  last_id: optString,
  reviews: optList(reviewSchema),
});

export const reviewInfoV2Schema = reviewSchema.extend({
  likes_amount: optInt,
  dislikes_amount: optInt,
  photos: optList(reviewPhotoSchema),
  videos: optList(reviewVideoSchema),
});

export const reviewCommentCreateSchema = z.looseObject({ comment_id: z.string().min(1) });

export const reviewCommentSchema = z.looseObject({
  id: z.string().min(1),
  text: optString,
  published_at: optString,
  parent_comment_id: optString,
  is_owner: optBool,
  is_official: optBool,
  is_published: optBool,
  is_rejected: optBool,
  deviation_reason: optString,
});
export type OzonReviewComment = z.infer<typeof reviewCommentSchema>;

export const reviewCommentListSchema = z.looseObject({
  comments: optList(reviewCommentSchema),
  offset: optInt,
});

/**
 * change-status methods: the schema declares their 200 without a body ("Статус изменён"); an empty
 * object (what the sandbox sends) is success too.
 */
export const emptyResponseSchema = z.looseObject({}).optional();

// ---- questions (question.v1 list/info/answer) -----------------------------------------------

export const questionSchema = z.looseObject({
  id: z.string().min(1),
  sku: optId,
  text: optString,
  author_name: optString,
  published_at: optString,
  status: optString,
  answers_count: optInt,
  product_url: optString,
  question_link: optString,
});
export type OzonQuestion = z.infer<typeof questionSchema>;

export const questionListSchema = z.looseObject({
  questions: optList(questionSchema),
  last_id: optString,
  has_next: optBool,
});

export const questionInfoSchema = questionSchema;

export const questionAnswerCreateSchema = z.looseObject({ answer_id: z.string().min(1) });

export const questionAnswerSchema = z.looseObject({
  id: z.string().min(1),
  question_id: optString,
  sku: optId,
  text: optString,
  author_name: optString,
  published_at: optString,
  status_publication: optString,
});
export type OzonQuestionAnswer = z.infer<typeof questionAnswerSchema>;

export const questionAnswerListSchema = z.looseObject({
  answers: optList(questionAnswerSchema),
  last_id: optString,
});
