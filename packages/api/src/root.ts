import { accountRouter } from "./routers/account";
import { auditRouter } from "./routers/audit";
import { catalogRouter } from "./routers/catalog";
import { inboxRouter } from "./routers/inbox";
import { sellerRouter } from "./routers/seller";
import { sessionRouter } from "./routers/session";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  seller: sellerRouter,
  inbox: inboxRouter,
  account: accountRouter,
  catalog: catalogRouter,
  audit: auditRouter,
  session: sessionRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
