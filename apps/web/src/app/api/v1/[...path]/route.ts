// REST for apps in other languages: the same procedures as /api/trpc at `/api/v1/...` (routes are
// declared on the procedures; the document is /api/openapi.json, the reference page /api-docs).
// Under `next dev` only: in production the API server in front of Next.js answers (src/server/api-server.ts).
import { handleRestHttpRequest } from "@inbox/api";
import { getSessionUserId } from "~/server/auth";

const handler = (request: Request) => handleRestHttpRequest(request, { sessionUserId: getSessionUserId });

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
