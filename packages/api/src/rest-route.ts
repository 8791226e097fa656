// REST routes (`/api/v1/...`) are declared on the procedures themselves, one line each:
// `.meta(restRoute("GET", "/sellers/{sellerId}/inbox", "A page of the inbox"))`. Path parameters
// name input fields; the tag (the reference page's section) is the resource the path is about.
import type { OpenApiMethod } from "trpc-to-openapi";
import type { ProcedureMeta } from "./trpc";

export function restRoute(method: OpenApiMethod, path: `/${string}`, summary: string, scope?: ProcedureMeta["scope"]): ProcedureMeta {
  const resource = path.replace(/^\/sellers\/\{sellerId\}/, "").split("/")[1] ?? "sellers";
  return { ...(scope ? { scope } : {}), openapi: { method, path, summary, tags: [resource], protect: true } };
}
