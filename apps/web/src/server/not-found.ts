import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound, redirect } from "next/navigation";

/**
 * Turns the router's NOT_FOUND (including another seller's data) into the not-found page, and
 * UNAUTHORIZED (a session that expired or was revoked while the layout rendered) into sign-in.
 * `idsFromPath`: the call's input is only the page's path ids, so one the router refuses as
 * malformed (too long, say) names nothing either: not found, not an error page.
 */
export async function orNotFound<T>(promise: Promise<T>, options: { idsFromPath?: boolean } = {}): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    if (options.idsFromPath && error instanceof TRPCError && error.code === "BAD_REQUEST") notFound();
    if (error instanceof TRPCError && error.code === "UNAUTHORIZED") redirect("/signin");
    throw error;
  }
}
