// The OpenAPI 3 document of the REST routes, for code generators and API tools.
import { openApiDocument } from "@inbox/api";

export function GET(request: Request) {
  return Response.json(openApiDocument(new URL(request.url).origin));
}
