import { accountRouter } from "./routers/account";
import { catalogRouter } from "./routers/catalog";
import { draftRouter } from "./routers/draft";
import { inboxRouter } from "./routers/inbox";
import { sellerRouter } from "./routers/seller";
import { templateRouter } from "./routers/template";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  seller: sellerRouter,
  inbox: inboxRouter,
  account: accountRouter,
  catalog: catalogRouter,
  template: templateRouter,
  draft: draftRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
