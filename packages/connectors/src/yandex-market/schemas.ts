// Zod schemas of the Yandex Market Partner API responses, exactly as permissive as the official
// OpenAPI spec (github.com/yandex-market/yandex-market-partner-api, openapi/components/schemas):
// a field the spec lists under `required` is required, every other field is optional, and only
// the fields marked `nullable: true` accept null. Enum-typed fields are read as strings so a value
// added upstream does not make a whole page unreadable. Every response is wrapped as
// {status: "OK", result}; the spec's wrapper (ApiResponse + allOf) does not require `result`.
// int64 ids are normalised to decimal strings.
import { z } from "zod";
import { zId } from "../core/util";

const dateTime = z.string().min(1);

/** PackagingForwardScrollingPagerDTO. */
const pagingSchema = z.looseObject({ nextPageToken: z.string().optional() }).optional();

const okResponse = <T extends z.ZodType>(result: T) => z.looseObject({ status: z.literal("OK"), result: result.optional() });

// ---- chats ---------------------------------------------------------------------------------

/** ChatFullContextDTO. */
export const ymChatContextSchema = z.looseObject({
  type: z.string(),
  customer: z.looseObject({ name: z.string().optional(), publicId: z.string().optional() }).optional(),
  campaignId: zId.optional(),
  orderId: zId.optional(),
  returnId: zId.optional(),
});

/** GetChatInfoDTO. */
export const ymChatSchema = z.looseObject({
  chatId: zId,
  orderId: zId.optional(),
  context: ymChatContextSchema,
  type: z.string(),
  status: z.string(),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export type YmChat = z.infer<typeof ymChatSchema>;

export const ymChatListResponseSchema = okResponse(z.looseObject({ chats: z.array(ymChatSchema), paging: pagingSchema }));

export const ymChatResponseSchema = okResponse(ymChatSchema);

/** ChatMessageDTO: `payload` is nullable (a text-only message may carry `payload: null`). */
export const ymMessageSchema = z.looseObject({
  messageId: zId,
  createdAt: dateTime,
  sender: z.string(),
  message: z.string().optional(),
  payload: z
    .array(z.looseObject({ name: z.string(), url: z.string(), size: z.number().int() }))
    .nullable()
    .optional(),
});
export type YmMessage = z.infer<typeof ymMessageSchema>;

/** ChatMessagesResultDTO. */
export const ymChatHistoryResponseSchema = okResponse(
  z.looseObject({
    orderId: zId.optional(),
    context: ymChatContextSchema,
    messages: z.array(ymMessageSchema),
    paging: pagingSchema,
  }),
);

/** EmptyApiResponse (and any response whose result we do not read). */
export const ymOkResponseSchema = z.looseObject({ status: z.literal("OK") });

// ---- goods feedback (reviews) --------------------------------------------------------------

/** GoodsFeedbackDTO. */
export const ymFeedbackSchema = z.looseObject({
  feedbackId: zId,
  createdAt: dateTime,
  needReaction: z.boolean(),
  identifiers: z.looseObject({ orderId: zId.optional(), offerId: z.string().optional() }),
  author: z.string().optional(),
  description: z
    .looseObject({ advantages: z.string().optional(), disadvantages: z.string().optional(), comment: z.string().optional() })
    .optional(),
  media: z.looseObject({ photos: z.array(z.string()).nullable().optional(), videos: z.array(z.string()).nullable().optional() }).optional(),
  statistics: z.looseObject({
    rating: z.number().int(),
    commentsCount: z.number().int(),
    recommended: z.boolean().optional(),
    paidAmount: z.number().int().optional(),
  }),
});
export type YmFeedback = z.infer<typeof ymFeedbackSchema>;

export const ymFeedbackListResponseSchema = okResponse(z.looseObject({ feedbacks: z.array(ymFeedbackSchema), paging: pagingSchema }));

/** GoodsFeedbackCommentDTO. */
export const ymFeedbackCommentSchema = z.looseObject({
  id: zId,
  text: z.string(),
  canModify: z.boolean().optional(),
  parentId: zId.optional(),
  author: z.looseObject({ type: z.string().optional(), name: z.string().optional() }).optional(),
  status: z.string(),
  feedbackId: zId,
});
export type YmFeedbackComment = z.infer<typeof ymFeedbackCommentSchema>;

export const ymFeedbackCommentListResponseSchema = okResponse(
  z.looseObject({ comments: z.array(ymFeedbackCommentSchema), paging: pagingSchema }),
);

export const ymFeedbackCommentUpdateResponseSchema = okResponse(ymFeedbackCommentSchema);

// ---- goods questions -----------------------------------------------------------------------

/** QuestionsTextContentAuthorDTO. */
const ymQuestionsAuthorSchema = z.looseObject({ type: z.string().optional(), name: z.string().optional() });
/** VotesDTO. */
const ymVotesSchema = z.looseObject({ likes: z.number().int(), dislikes: z.number().int() });

/** QuestionDTO. */
export const ymQuestionSchema = z.looseObject({
  questionIdentifiers: z.looseObject({ id: zId, categoryId: zId.optional(), offerId: z.string() }),
  businessId: zId,
  text: z.string(),
  createdAt: dateTime,
  votes: ymVotesSchema,
  author: ymQuestionsAuthorSchema,
});
export type YmQuestion = z.infer<typeof ymQuestionSchema>;

export const ymQuestionListResponseSchema = okResponse(
  z.looseObject({ questions: z.array(ymQuestionSchema), paging: pagingSchema, totalCount: z.number().int() }),
);

/** CommentDTO (a comment on an answer). */
const ymAnswerCommentSchema = z.looseObject({
  id: zId,
  text: z.string(),
  canModify: z.boolean().optional(),
  parentId: zId.optional(),
  author: ymQuestionsAuthorSchema.optional(),
  status: z.string(),
  answerId: zId,
  createdAt: dateTime,
  votes: ymVotesSchema.optional(),
});

/** AnswerDTO. */
export const ymAnswerSchema = z.looseObject({
  id: zId,
  text: z.string(),
  canModify: z.boolean(),
  author: ymQuestionsAuthorSchema.optional(),
  status: z.string(),
  questionId: zId,
  createdAt: dateTime,
  votes: ymVotesSchema,
  comments: z.array(ymAnswerCommentSchema).nullable().optional(),
});
export type YmAnswer = z.infer<typeof ymAnswerSchema>;

export const ymAnswerListResponseSchema = okResponse(z.looseObject({ answers: z.array(ymAnswerSchema), paging: pagingSchema }));

/** UpdateGoodsQuestionTextEntityResponse: result only for CREATE. */
export const ymQuestionUpdateResponseSchema = okResponse(z.looseObject({ entity: z.looseObject({ id: zId, type: z.string() }) }));
