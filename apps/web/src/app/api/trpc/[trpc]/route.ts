// tRPC over HTTP for client components and other apps; same router and context as the RSC caller.
import { appRouter, createTRPCContext, requestInfoFromHeaders } from "@inbox/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSessionUserId } from "~/server/auth";

const handler = (request: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => createTRPCContext({ userId: await getSessionUserId(), request: requestInfoFromHeaders(request.headers) }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error);
    },
  });

export { handler as GET, handler as POST };
