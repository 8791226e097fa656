// Zod schemas of the Yandex Market Partner API chat responses (reference §3). Every response is
// wrapped as {status: "OK", result}; ids are int64 and are normalised to decimal strings.
import { z } from "zod";
import { zId } from "../core/util";

const dateTime = z.string().min(1);

export const ymChatContextSchema = z.looseObject({
  type: z.string(),
  customer: z.looseObject({ name: z.string().optional(), publicId: z.string().optional() }).nullable().optional(),
  campaignId: zId.optional(),
  orderId: zId.optional(),
  returnId: zId.optional(),
});

export const ymChatSchema = z.looseObject({
  chatId: zId,
  orderId: zId.optional(),
  context: ymChatContextSchema.optional(),
  type: z.string().optional(),
  status: z.string(),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export type YmChat = z.infer<typeof ymChatSchema>;

const pagingSchema = z.looseObject({ nextPageToken: z.string().optional() }).optional();

export const ymChatListResponseSchema = z.looseObject({
  status: z.literal("OK"),
  result: z.looseObject({ chats: z.array(ymChatSchema), paging: pagingSchema }),
});

export const ymChatResponseSchema = z.looseObject({ status: z.literal("OK"), result: ymChatSchema });

export const ymMessageSchema = z.looseObject({
  messageId: zId,
  createdAt: dateTime,
  sender: z.string(),
  message: z.string().optional(),
  payload: z.array(z.looseObject({ name: z.string().optional(), url: z.string().optional() })).optional(),
});
export type YmMessage = z.infer<typeof ymMessageSchema>;

export const ymChatHistoryResponseSchema = z.looseObject({
  status: z.literal("OK"),
  result: z.looseObject({
    orderId: zId.optional(),
    context: ymChatContextSchema.optional(),
    messages: z.array(ymMessageSchema),
    paging: pagingSchema,
  }),
});

export const ymOkResponseSchema = z.looseObject({ status: z.literal("OK") });
