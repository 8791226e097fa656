// tRPC over HTTP for client components and other apps (session cookie or API token); same router
// and context as the RSC caller. Auth, per-token limits and request caps: @inbox/api's http edge.
import { handleTrpcHttpRequest } from "@inbox/api";
import { getSessionUserId } from "~/server/auth";

const handler = (request: Request) => handleTrpcHttpRequest(request, { sessionUserId: getSessionUserId });

export { handler as GET, handler as POST };
