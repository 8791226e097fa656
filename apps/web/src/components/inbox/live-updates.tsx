"use client";
// Live updates in the browser (docs/architecture.md, "Live updates"): one server-sent event stream
// per tab (tRPC's `live.events` over the SSE link), shared by every component that listens: the
// inbox list, the item view and the header (tab title, notifications, connection state). The stream
// opens with the first listener and closes a little after the last one leaves, so moving between
// pages keeps it. When it drops, it comes back from the last event's id and the server replays what
// changed meanwhile; a stream down for long shows a quiet "reconnecting" note.
import type { RouterOutputs } from "@inbox/api";
import { useEffect, useRef, useSyncExternalStore } from "react";
import { useTRPCClient } from "~/trpc/client";

type TRPCClient = ReturnType<typeof useTRPCClient>;
/** What the stream sends: `ready` (connected), `changes` (items changed) or `reload` (too many to list). */
export type LiveEvent = (RouterOutputs["live"]["events"] extends AsyncIterable<infer Envelope> ? Envelope : never)["data"];
export type LiveChange = Extract<LiveEvent, { kind: "changes" }>["changes"][number];
export type LiveState = "connecting" | "live" | "reconnecting";

/** How long the stream may be down before the page says so: short drops pass unnoticed. */
const QUIET_DOWN_MS = 6_000;
/** Kept open this long after the last listener leaves: a page change reuses the stream. */
const LINGER_MS = 5_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

type Listener = (event: LiveEvent) => void;

class LiveStore {
  private readonly listeners = new Set<Listener>();
  private readonly stateListeners = new Set<() => void>();
  private client: TRPCClient | null = null;
  private subscription: { unsubscribe(): void } | null = null;
  /** The last event id: where a new subscription resumes. */
  private cursor: string | null = null;
  private state: LiveState = "connecting";
  private quietTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = RETRY_MIN_MS;
  /** The server's clock when this tab's stream first connected: items created after it are new here. */
  since: Date | null = null;

  listen(client: TRPCClient, listener: Listener): () => void {
    this.client ??= client;
    this.listeners.add(listener);
    clearTimeout(this.lingerTimer);
    if (!this.subscription && this.retryTimer === undefined) this.open();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.lingerTimer = setTimeout(() => this.shut(), LINGER_MS);
    };
  }

  getState = () => this.state;

  subscribeState = (onChange: () => void) => {
    this.stateListeners.add(onChange);
    return () => void this.stateListeners.delete(onChange);
  };

  private setState(state: LiveState) {
    if (this.state === state) return;
    this.state = state;
    this.stateListeners.forEach((onChange) => onChange());
  }

  private down() {
    if (this.quietTimer === undefined && this.state !== "reconnecting") {
      this.quietTimer = setTimeout(() => {
        this.quietTimer = undefined;
        this.setState("reconnecting");
      }, QUIET_DOWN_MS);
    }
  }

  private up() {
    clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    this.retryMs = RETRY_MIN_MS;
    this.setState("live");
  }

  private open() {
    const client = this.client;
    if (!client) return;
    this.down();
    this.subscription = client.live.events.subscribe(this.cursor ? { lastEventId: this.cursor } : {}, {
      onData: ({ id, data }) => {
        this.cursor = id;
        if (data.kind === "ready") {
          this.since ??= data.serverTime;
          this.up();
        }
        this.listeners.forEach((listener) => listener(data));
      },
      onConnectionStateChange: (connection) => {
        // The SSE link reconnects on its own (resuming from the last id); only the state is noted.
        if (connection.state === "connecting") this.down();
      },
      // The stream ended with an error (the session expired, the server refused): try again later,
      // from the same cursor.
      onError: () => this.retry(),
      onComplete: () => this.retry(),
    });
  }

  private retry() {
    this.subscription?.unsubscribe();
    this.subscription = null;
    if (this.listeners.size === 0) return;
    this.down();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.listeners.size > 0) this.open();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private shut() {
    if (this.listeners.size > 0) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.setState("connecting");
  }
}

const store = new LiveStore();

/** Calls `onEvent` for every event of the tab's live stream while the component is mounted. */
export function useLiveEvents(onEvent: Listener) {
  const client = useTRPCClient();
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  useEffect(() => store.listen(client, (event) => latest.current(event)), [client]);
}

export function useLiveState(): LiveState {
  return useSyncExternalStore(store.subscribeState, store.getState, () => "connecting" as const);
}

/** Whether the tab's stream is connected now (a view mounting on an open stream sees no `ready`). */
export function liveIsUp(): boolean {
  return store.getState() === "live";
}

/** When this tab's stream first connected (server time), or null before. */
export function liveSince(): Date | null {
  return store.since;
}
