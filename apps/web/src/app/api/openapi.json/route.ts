// The OpenAPI 3 document of the REST routes, for code generators and API tools. Under `next dev`
// only: in production the API server in front of Next.js answers (src/server/api-server.ts).
import { openApiDocument } from "@inbox/api";

export function GET(request: Request) {
  return Response.json(openApiDocument(new URL(request.url).origin));
}
