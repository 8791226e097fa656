import { inboxRouter } from "./routers/inbox.js";
import { sellerRouter } from "./routers/seller.js";
import { createCallerFactory, createTRPCRouter } from "./trpc.js";

export const appRouter = createTRPCRouter({
  seller: sellerRouter,
  inbox: inboxRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
