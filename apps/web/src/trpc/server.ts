// The router called in-process from React Server Components: no HTTP round trip, one context per
// request.
import "server-only";
import { createCaller, createTRPCContext } from "@inbox/api";
import { cache } from "react";
import { getSessionUserId } from "~/server/auth";

export const getServerCaller = cache(async () => createCaller(createTRPCContext({ userId: await getSessionUserId() })));

/** The caller's sellers and roles, read once per request (layout and page both need them). */
export const getSellers = cache(async () => (await getServerCaller()).seller.list());
