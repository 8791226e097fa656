// The one conformance suite every registered connector runs against its marketplace sandbox.
// A marketplace module registers a target in its own `conformance.ts` (discovered by
// test/conformance.test.ts); a registered connector without a target fails the suite.
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import {
  MarketplaceAuthError,
  type MarketplaceAuthReason,
  NotImplementedError,
  ResponseValidationError,
  UpstreamError,
} from "../core/errors";
import type { BaseChannelConnector } from "../core/base";
import { canonicalMarketplace, type RegisteredConnector } from "../core/registry";
import type { Channel, ChannelItem, ConnectorOptions } from "../core/types";
import type { FaultKind } from "../sandbox/kit";

export interface ConformanceHarness {
  /** Valid credentials for this connector. */
  credentials: unknown;
  /** Well-formed credentials the sandbox rejects (401/403). */
  badCredentials: unknown;
  /** The MarketplaceAuthError reason badCredentials must produce, when the target knows it. */
  badCredentialsReason?: MarketplaceAuthReason;
  /** Points at the sandbox; shrunken backoff; rate limits matching the (time-scaled) sandbox. */
  options: ConnectorOptions;
  /** A customer creates a new item upstream (review, question, chat); returns its externalId. */
  addItem(): Promise<string> | string;
  /** externalIds of every item that exists upstream right now (the ground truth for listing). */
  allItemIds(): string[];
  /** An existing item the seller may answer. */
  replyableItemId(): string;
  /** Reply texts the sandbox accepted for an item, in order (proves "exactly once"). */
  repliesReceived(itemId: string): string[];
  /** Whether upstream has the item marked read/viewed; undefined if upstream has no such flag. */
  isRead(itemId: string): boolean | undefined;
  /** Exact faults for the next requests of this connector's host. */
  faults: { queue(kind: FaultKind, count?: number): void; reset(): void };
  /** Makes list responses carry a wrong-typed field; returns the field name the error must name. */
  injectSchemaDrift(): { field: string; restore(): void };
  /**
   * Makes every response leave out each field the published spec marks optional and send null for
   * each field it marks nullable, as real responses do; restore() returns to full responses.
   */
  sparseResponses(): { restore(): void };
  /** How many 429 responses the sandbox has sent so far. */
  count429(): number;
  close(): Promise<void>;
}

export interface ConformanceTarget {
  marketplace: string;
  channel: Channel;
  /** Starts a fresh sandbox with `size` seeded items. */
  start(opts: { seed: number; size: number }): Promise<ConformanceHarness>;
}

const targets = new Map<string, ConformanceTarget>();
const keyOf = (marketplace: string, channel: string) => `${canonicalMarketplace(marketplace)}:${channel.toLowerCase()}`;

export function registerConformanceTarget(target: ConformanceTarget): void {
  targets.set(keyOf(target.marketplace, target.channel), target);
}

export function getConformanceTarget(marketplace: string, channel: string): ConformanceTarget | undefined {
  return targets.get(keyOf(marketplace, channel));
}

/** Suite defaults: small data, small pages (forces paging), three retries. */
export const CONFORMANCE_SIZE = 23;
export const CONFORMANCE_TAKE = 5;

async function listAll(connector: BaseChannelConnector<unknown>, onFirstPage?: () => Promise<void>) {
  const items: ChannelItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await connector.listItems({ cursor, take: CONFORMANCE_TAKE });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (pages++ === 0 && onFirstPage) await onFirstPage();
    if (pages > 500) throw new Error("listItems did not terminate");
  } while (cursor !== null);
  return { items, pages };
}

async function drainUpdates(connector: BaseChannelConnector<unknown>, cursor: string | null) {
  const items: ChannelItem[] = [];
  let next: string | null = cursor;
  for (let i = 0; i < 500; i++) {
    const page = await connector.getUpdates({ cursor: next, take: CONFORMANCE_TAKE });
    expect(typeof page.nextCursor).toBe("string");
    items.push(...page.items);
    next = page.nextCursor;
    if (!page.hasMore) return { items, cursor: next };
  }
  throw new Error("getUpdates never reported hasMore=false");
}

/**
 * getItem as reply delivery calls it: with the creation time a sync stored (here, from a listing),
 * which a marketplace whose lookups by id are bound to dates needs for older items.
 */
async function getListedItem(connector: BaseChannelConnector<unknown>, itemId: string) {
  const listed = (await listAll(connector)).items.find((i) => i.externalId === itemId);
  return connector.getItem({ itemId, ...(listed ? { createdAt: listed.createdAt } : {}) });
}

const ids = (items: ChannelItem[]) => items.map((i) => i.externalId);
const dups = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);

/** Declares the suite for one registered connector. */
export function defineConformanceSuite(entry: RegisteredConnector, target: ConformanceTarget | undefined): void {
  const title = `${entry.marketplace}/${entry.channel} (${entry.className})`;
  describe(`conformance: ${title}`, () => {
    if (!target) {
      it("has a conformance target registered", () => {
        expect.fail(`${title} is registered but no conformance target exists; add src/<marketplace>/conformance.ts`);
      });
      return;
    }
    let h: ConformanceHarness;
    const make = (creds: unknown = h.credentials, extra: ConnectorOptions = {}) =>
      new (entry.connectorClass as unknown as new (c: unknown, o: ConnectorOptions) => BaseChannelConnector<unknown>)(creds, {
        ...h.options,
        ...extra,
      });

    beforeAll(async () => {
      h = await target.start({ seed: 42, size: CONFORMANCE_SIZE });
    });
    afterAll(async () => {
      await h?.close();
    });

    it("lists every item exactly once across pages, without any 429", async () => {
      const before = h.count429();
      const { items, pages } = await listAll(make());
      expect(pages).toBeGreaterThan(1);
      expect(dups(ids(items))).toEqual([]);
      expect(new Set(ids(items))).toEqual(new Set(h.allItemIds()));
      for (const item of items) {
        expect(item.marketplace).toBe(entry.marketplace);
        expect(item.channel).toBe(entry.channel);
        expect(Number.isNaN(Date.parse(item.createdAt))).toBe(false);
      }
      expect(h.count429() - before).toBe(0);
    });

    it(entry.channel === "chat" ? "chat items carry their latest message" : "items need no messages", async () => {
      const { items } = await listAll(make());
      if (entry.channel !== "chat") return;
      for (const item of items) {
        const latest = item.messages?.at(-1);
        expect(latest, `chat ${item.externalId} has no messages`).toBeDefined();
        expect(["in", "out"]).toContain(latest!.direction);
        expect(Number.isNaN(Date.parse(latest!.createdAt))).toBe(false);
      }
    });

    it("reads responses whose optional fields are all missing and nullable fields all null", async () => {
      const sparse = h.sparseResponses();
      try {
        const { items } = await listAll(make());
        expect(dups(ids(items))).toEqual([]);
        expect(new Set(ids(items))).toEqual(new Set(h.allItemIds()));
        if (entry.capabilities.getUpdates) {
          const { items: updates } = await drainUpdates(make(), null);
          expect(new Set(ids(updates))).toEqual(new Set(h.allItemIds()));
        }
        if (entry.capabilities.getItem) {
          const itemId = h.allItemIds()[0]!;
          expect((await getListedItem(make(), itemId))?.externalId).toBe(itemId);
        }
      } finally {
        sparse.restore();
      }
    });

    it("loses and duplicates nothing while customers add items mid-paging", async () => {
      const existing = h.allItemIds();
      const added: string[] = [];
      const { items } = await listAll(make(), async () => {
        added.push(await h.addItem(), await h.addItem());
      });
      expect(dups(ids(items))).toEqual([]);
      const seen = new Set(ids(items));
      expect(existing.filter((id) => !seen.has(id))).toEqual([]);
      if (entry.capabilities.getUpdates) {
        // Items added during paging are found at the latest by a full getUpdates pass.
        const { items: updates } = await drainUpdates(make(), null);
        const all = new Set([...seen, ...ids(updates)]);
        expect(added.filter((id) => !all.has(id))).toEqual([]);
      }
    });

    it(entry.capabilities.getUpdates ? "getUpdates picks up items added after a full sync" : "getUpdates is not implemented", async () => {
      const c = make();
      if (!entry.capabilities.getUpdates) {
        await expect(c.getUpdates({ cursor: null })).rejects.toBeInstanceOf(NotImplementedError);
        return;
      }
      const first = await drainUpdates(c, null);
      expect(new Set(ids(first.items))).toEqual(new Set(h.allItemIds()));
      const newId = await h.addItem();
      const second = await drainUpdates(c, first.cursor);
      expect(ids(second.items)).toContain(newId);
      // Resuming from the same checkpoint again re-delivers, never skips.
      const replay = await drainUpdates(c, first.cursor);
      expect(ids(replay.items)).toContain(newId);
    });

    it(entry.capabilities.sendReply ? "delivers a reply upstream exactly once" : "sendReply is not implemented", async () => {
      const c = make();
      const itemId = h.replyableItemId();
      const text = `Спасибо за обращение! Ответ ${entry.channel}`;
      if (!entry.capabilities.sendReply) {
        await expect(c.sendReply({ itemId, text })).rejects.toBeInstanceOf(NotImplementedError);
        return;
      }
      const before = h.repliesReceived(itemId).length;
      await c.sendReply({ itemId, text });
      expect(h.repliesReceived(itemId).slice(before)).toEqual([text]);
      if (entry.capabilities.getItem) {
        const item = await getListedItem(c, itemId);
        expect(item?.externalId).toBe(itemId);
        if (entry.channel === "chat") expect(item?.messages?.some((m) => m.direction === "out" && m.text === text)).toBe(true);
        else {
          expect(item?.answered).toBe(true);
          expect(item?.answerText).toBe(text);
        }
      }
    });

    it(entry.capabilities.markRead ? "marks an item read upstream" : "markRead is not implemented", async () => {
      const c = make();
      const itemId = h.replyableItemId();
      if (!entry.capabilities.markRead) {
        await expect(c.markRead({ itemId })).rejects.toBeInstanceOf(NotImplementedError);
        return;
      }
      expect(await c.markRead({ itemId })).toBe(true);
      expect(h.isRead(itemId)).toBe(true);
    });

    it(
      entry.capabilities.getItem
        ? "getItem returns current state given the stored creation time, a new item by id alone, null for unknown ids"
        : "getItem is not implemented",
      async () => {
        const c = make();
        const itemId = h.allItemIds()[0]!;
        if (!entry.capabilities.getItem) {
          await expect(c.getItem({ itemId })).rejects.toBeInstanceOf(NotImplementedError);
          return;
        }
        expect((await getListedItem(c, itemId))?.externalId).toBe(itemId);
        const added = await h.addItem();
        expect((await c.getItem({ itemId: added }))?.externalId).toBe(added);
        expect(await c.getItem({ itemId: "does-not-exist-0000" })).toBeNull();
      },
    );

    it("reply text limits are declared", () => {
      const { min, max } = entry.capabilities.replyText;
      expect(min).toBeGreaterThanOrEqual(1);
      expect(max).toBeGreaterThan(min);
    });

    it("a rejected token raises MarketplaceAuthError", async () => {
      const err = await make(h.badCredentials)
        .listItems({ take: CONFORMANCE_TAKE })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MarketplaceAuthError);
      if (h.badCredentialsReason) expect((err as MarketplaceAuthError).reason).toBe(h.badCredentialsReason);
    });

    it("a short burst of 5xx is retried and then succeeds", async () => {
      h.faults.queue("5xx", 2);
      const page = await make().listItems({ take: CONFORMANCE_TAKE });
      expect(page.items.length).toBeGreaterThan(0);
      h.faults.reset();
    });

    it("dropped connections are retried", async () => {
      h.faults.queue("drop", 1);
      const page = await make().listItems({ take: CONFORMANCE_TAKE });
      expect(page.items.length).toBeGreaterThan(0);
      h.faults.reset();
    });

    it("persistent 5xx ends in UpstreamError", async () => {
      h.faults.queue("5xx", 20);
      try {
        await expect(make(h.credentials, { maxRetries: 2 }).listItems({ take: CONFORMANCE_TAKE })).rejects.toBeInstanceOf(UpstreamError);
      } finally {
        h.faults.reset();
      }
    });

    it("a malformed body raises ResponseValidationError", async () => {
      h.faults.queue("malformed", 1);
      try {
        await expect(make().listItems({ take: CONFORMANCE_TAKE })).rejects.toBeInstanceOf(ResponseValidationError);
      } finally {
        h.faults.reset();
      }
    });

    it("schema drift raises ResponseValidationError naming the field", async () => {
      const drift = h.injectSchemaDrift();
      try {
        const err = await make()
          .listItems({ take: CONFORMANCE_TAKE })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ResponseValidationError);
        expect((err as Error).message).toContain(drift.field);
      } finally {
        drift.restore();
      }
    });

    it("recovers when the sandbox forces a 429", async () => {
      const before = h.count429();
      h.faults.queue("429", 1);
      const page = await make().listItems({ take: CONFORMANCE_TAKE });
      expect(page.items.length).toBeGreaterThan(0);
      expect(h.count429() - before).toBe(1);
      h.faults.reset();
    });
  });
}

/** Registered connectors that have no conformance target (each fails the suite). */
export function connectorsWithoutTarget(entries: RegisteredConnector[]): RegisteredConnector[] {
  return entries.filter((e) => !getConformanceTarget(e.marketplace, e.channel));
}

export function connectorKey(entry: Pick<RegisteredConnector, "marketplace" | "channel">) {
  return keyOf(entry.marketplace, entry.channel);
}
