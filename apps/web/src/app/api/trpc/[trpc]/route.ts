// tRPC over HTTP under `next dev` only: in production the API server in front of Next.js answers
// /api/trpc (src/server/api-server.ts). Auth, origin check, per-token limits and request caps:
// @inbox/api's http edge, the same code on both paths. Live updates (live.events) come back as a
// streaming `text/event-stream` Response, which Next.js sends on as it is written (tRPC marks it
// `no-transform`, so nothing compresses or buffers it); the request's signal ends the subscription
// when the browser goes away.
import { handleTrpcHttpRequest } from "@inbox/api";
import { getSessionUserId } from "~/server/auth";

const handler = (request: Request) => handleTrpcHttpRequest(request, { sessionUserId: getSessionUserId });

export { handler as GET, handler as POST };
