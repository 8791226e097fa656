import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";

/** Turns the router's NOT_FOUND (including another seller's data) into the not-found page. */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
