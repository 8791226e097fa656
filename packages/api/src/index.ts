// @inbox/api: the tRPC router and the services behind it. Server-only.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.js";

export { appRouter, createCaller, type AppRouter } from "./root.js";
export { createTRPCContext, type TRPCContext } from "./trpc.js";
export { authenticateUser } from "./auth/authenticate.js";
export { hashPassword, verifyPassword } from "./auth/password.js";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
