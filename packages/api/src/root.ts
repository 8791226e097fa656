import { accountRouter } from "./routers/account";
import { analyticsRouter } from "./routers/analytics";
import { apiTokenRouter } from "./routers/api-token";
import { auditRouter } from "./routers/audit";
import { automationRouter } from "./routers/automation";
import { catalogRouter } from "./routers/catalog";
import { draftRouter } from "./routers/draft";
import { inboxRouter } from "./routers/inbox";
import { liveRouter } from "./routers/live";
import { itemRouter } from "./routers/item";
import { sellerRouter } from "./routers/seller";
import { templateRouter } from "./routers/template";
import { sessionRouter } from "./routers/session";
import { invitationRouter, teamRouter } from "./routers/team";
import { profileRouter } from "./routers/profile";
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
  automation: automationRouter,
  draft: draftRouter,
  session: sessionRouter,
  live: liveRouter,
  team: teamRouter,
  invitation: invitationRouter,
  profile: profileRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
