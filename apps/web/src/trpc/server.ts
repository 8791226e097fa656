// The router called in-process from React Server Components: no HTTP round trip, one context per
// request.
import "server-only";
import { appRouter, createCaller, createTRPCContext, type AppRouter } from "@inbox/api";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { cache } from "react";
import { getSessionUserId } from "~/server/auth";

export const getServerCaller = cache(async () => createCaller(createTRPCContext({ userId: await getSessionUserId() })));

/** The caller's sellers and roles, read once per request (layout and page both need them). */
export const getSellers = cache(async () => (await getServerCaller()).seller.list());

/**
 * Query options for prefetching on the server: a page fetches what a client component will ask for
 * and hands it over in a HydrationBoundary, so the first paint needs no second round trip.
 */
export const getServerQueryClient = cache(() => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000 } } }));
export const serverTRPC = createTRPCOptionsProxy<AppRouter>({
  router: appRouter,
  ctx: async () => createTRPCContext({ userId: await getSessionUserId() }),
  queryClient: getServerQueryClient,
});
