// tRPC over HTTP for client components and other apps (session cookie or API token); same router
// and context as the RSC caller. Auth, per-token limits and request caps: @inbox/api's http edge.
import { handleTrpcHttpRequest } from "@inbox/api";
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
  return handleTrpcHttpRequest(request, { sessionUserId: getSessionUserId });
};

export { handler as GET, handler as POST };
