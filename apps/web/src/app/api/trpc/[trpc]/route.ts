// tRPC over HTTP for client components and other apps; same router and context as the RSC caller.
import { appRouter, createTRPCContext, requestInfoFromHeaders } from "@inbox/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSessionUserId } from "~/server/auth";
import { mutationOriginAllowed } from "~/server/session-policy";

const handler = (request: Request) => {
  // Mutations are POSTs; authenticated by the session cookie they must come from our own pages (CSRF).
  if (request.method === "POST" && !request.headers.has("authorization") && !mutationOriginAllowed(request)) {
    return Response.json(
      {
        error: {
          message: "This request comes from another site: cookie-authenticated changes are accepted only from the app's own pages.",
        },
      },
      { status: 403 },
    );
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => createTRPCContext({ userId: await getSessionUserId(), request: requestInfoFromHeaders(request.headers) }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error);
    },
  });
};

export { handler as GET, handler as POST };
