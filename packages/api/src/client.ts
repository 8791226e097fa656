// A typed client for other TypeScript apps: `createInboxClient({ url, token })` talks tRPC to a
// running Marketplace Inbox with an API token. Imports only types from the server code, so it is
// safe to bundle anywhere fetch exists (Node 20+, browsers, workers).
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "./root";

/** The server refuses batches longer than this (see http/api-http.ts). */
const SERVER_MAX_BATCH_CALLS = 10;

export interface InboxClientOptions {
  /** The app's address, e.g. "https://inbox.example.ru" (the tRPC endpoint /api/trpc is added). */
  url: string;
  /** An API token ("inbox_…") created on the seller's API page or with `token:create`. */
  token: string;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

export function createInboxClient({ url, token, fetch }: InboxClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: new URL("/api/trpc", url).toString(),
        transformer: superjson,
        maxItems: SERVER_MAX_BATCH_CALLS,
        headers: () => ({ authorization: `Bearer ${token}` }),
        ...(fetch ? { fetch } : {}),
      }),
    ],
  });
}

export type InboxClient = ReturnType<typeof createInboxClient>;
export { TRPCClientError };
export type { AppRouter, RouterInputs, RouterOutputs } from "./index";
