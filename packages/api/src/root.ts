import { accountRouter } from "./routers/account";
import { analyticsRouter } from "./routers/analytics";
import { apiTokenRouter } from "./routers/api-token";
import { auditRouter } from "./routers/audit";
import { catalogRouter } from "./routers/catalog";
import { draftRouter } from "./routers/draft";
import { inboxRouter } from "./routers/inbox";
import { itemRouter } from "./routers/item";
import { sellerRouter } from "./routers/seller";
import { templateRouter } from "./routers/template";
import { sessionRouter } from "./routers/session";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  seller: sellerRouter,
  inbox: inboxRouter,
  item: itemRouter,
  account: accountRouter,
  catalog: catalogRouter,
  analytics: analyticsRouter,
  apiToken: apiTokenRouter,
  audit: auditRouter,
  template: templateRouter,
  draft: draftRouter,
  session: sessionRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
