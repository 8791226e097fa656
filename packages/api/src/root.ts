import { accountRouter } from "./routers/account";
import { inboxRouter } from "./routers/inbox";
import { sellerRouter } from "./routers/seller";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  seller: sellerRouter,
  inbox: inboxRouter,
  account: accountRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
