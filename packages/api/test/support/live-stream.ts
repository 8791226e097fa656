// A live-update stream as the browser's SSE link opens it: GET /api/trpc/live.events through the
// HTTP edge, read event by event. Tests wait on events, never on time.
import type { PrismaClient } from "@inbox/db";
import superjson from "superjson";
import { handleTrpcHttpRequest } from "../../src/http/api-http";
import type { LiveHub } from "../../src/live/live-hub";
import type { LiveEvent } from "../../src/routers/live";
import { BASE, recordingJobs, unlimited } from "./api-world";

export interface StreamEvent {
  /** The SSE event id (the stream's cursor), when the event carries one. */
  id: string | null;
  event: LiveEvent | null;
  error: { message: string; data: { code: string; httpStatus: number } } | null;
}

export interface LiveStream {
  /** The next data or error event (pings and the connection message are skipped). */
  next(): Promise<StreamEvent>;
  /** Events until `done` says stop; returns them all. */
  until(done: (event: StreamEvent, all: StreamEvent[]) => boolean): Promise<StreamEvent[]>;
  close(): Promise<void>;
}

export async function openLiveStream(
  options: { prisma: PrismaClient; live: LiveHub; userId: string },
  input: { sellerId?: string },
  lastEventId?: string,
): Promise<LiveStream> {
  const aborted = new AbortController();
  const query = new URLSearchParams({ input: JSON.stringify({ json: input }) });
  if (lastEventId) query.set("lastEventId", lastEventId);
  const response = await handleTrpcHttpRequest(new Request(`${BASE}/api/trpc/live.events?${query}`, { signal: aborted.signal }), {
    sessionUserId: async () => options.userId,
    prisma: options.prisma,
    jobs: recordingJobs().queue,
    limiter: unlimited(),
    live: options.live,
  });
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    throw new Error(`Not an event stream: ${response.status} ${await response.text()}`);
  }
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const next = async (): Promise<StreamEvent> => {
    for (;;) {
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split("\n")
            .filter((line) => line.startsWith(`${name}: `))
            .map((line) => line.slice(name.length + 2))
            .join("\n") || null;
        const kind = field("event") ?? "message";
        const data = field("data");
        if (kind === "serialized-error") {
          return { id: null, event: null, error: (JSON.parse(data!) as { json: NonNullable<StreamEvent["error"]> }).json };
        }
        if (kind === "message" && data) {
          return { id: field("id"), event: superjson.deserialize(JSON.parse(data) as never), error: null };
        }
      }
      const { done, value } = await reader.read();
      if (done) throw new Error("The live stream ended.");
      buffer += value;
    }
  };
  return {
    next,
    async until(done) {
      const all: StreamEvent[] = [];
      for (;;) {
        const event = await next();
        all.push(event);
        if (done(event, all)) return all;
      }
    },
    async close() {
      aborted.abort();
      await reader.cancel().catch(() => {});
    },
  };
}
