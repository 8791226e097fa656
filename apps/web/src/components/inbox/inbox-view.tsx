"use client";
// The triage inbox, over all of a user's sellers (/inbox) or one seller (/s/[sellerId]): filters in
// the URL, pages appended with the keyset cursor, keyboard triage, selection and bulk actions, and
// on wide screens the open item beside the list. The first page comes from the server; later pages
// are fetched here and kept in the query cache, so going back to the list restores them (and the
// scroll position) instead of starting again at page one.
import { useInfiniteQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from "react";
import type { Locale, Messages } from "~/i18n/messages";
import { inboxQueryString, OPEN_ITEM_PARAM, type InboxUrlState } from "~/lib/inbox-url";
import { useTRPCClient } from "~/trpc/client";
import type { CatalogView } from "../labels";
import { Button, buttonClass, Card, cn, LineIcon, Spinner } from "../ui";
import { BulkBar, type BulkSelection } from "./bulk-bar";
import { ItemView } from "../item/item-view";
import { InboxFilters } from "./inbox-filters";
import {
  readInboxPage,
  selectionFilter,
  type InboxCounts,
  type InboxPage,
  type InboxReader,
  type InboxRow,
  type InboxScope,
} from "./inbox-data";
import { InboxRowView } from "./inbox-row";
import { KeyboardHelp } from "./keyboard-help";
import { liveIsUp, useLiveEvents, type LiveChange } from "./live-updates";

export interface InboxViewProps {
  scope: InboxScope;
  state: InboxUrlState;
  initialPage: InboxPage;
  sellers: Array<{ id: string; name: string; role: string }>;
  catalog: CatalogView;
  t: Messages;
  locale: Locale;
  /** False when none of the scope's sellers has a marketplace account yet (a different empty state). */
  hasAccounts: boolean;
  /** The signed-in user: whom "assign to me" assigns. */
  viewerId: string;
}

/** Wide enough for the list and the item side by side (Tailwind's `xl`). */
const SPLIT_QUERY = "(min-width: 1280px)";
const SCROLL_KEY = "inbox-scroll:";

// Back/forward navigations, told apart from links: only they restore the saved scroll position.
let lastPopState = 0;
if (typeof window !== "undefined") window.addEventListener("popstate", () => (lastPopState = Date.now()));

function isTyping(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function InboxView({ scope, state, initialPage, sellers, catalog, t, locale, hasAccounts, viewerId }: InboxViewProps) {
  const tf = t.triage;
  const router = useRouter();
  const pathname = usePathname();
  // The item open beside the list (`sellerId.itemId`). Opening one only pushes a history entry (no
  // server round trip: the item view fetches its own data), and Back closes it again.
  const openKey = useSearchParams().get(OPEN_ITEM_PARAM);
  const client = useTRPCClient();
  const reader = useMemo<InboxReader>(
    () => ({
      list: (input) => client.inbox.list.query(input),
      listAll: (input) => client.inbox.listAll.query(input),
      counts: (input) => client.inbox.counts.query(input),
      countsAll: (input) => client.inbox.countsAll.query(input),
    }),
    [client],
  );
  const queryClient = useQueryClient();
  const queryKey = useMemo(() => ["inbox-pages", scope, state] as const, [scope, state]);
  const [renderedAt] = useState(() => Date.now());
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => readInboxPage(reader, scope, state, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [initialPage], pageParams: [null] },
    initialDataUpdatedAt: renderedAt,
  });
  const pages = query.data.pages;
  const rows = useMemo(() => {
    // An item that changed between two page reads can come twice: keep its first place.
    const seen = new Set<string>();
    return pages.flatMap((page) => page.rows).filter((row) => !seen.has(row.key) && seen.add(row.key));
  }, [pages]);
  const counts: InboxCounts = pages[0]?.counts ?? initialPage.counts ?? { statuses: {}, channels: {}, matching: null, assignee: null };
  const sellerNames = useMemo(() => new Map(sellers.map((seller) => [seller.id, seller.name])), [sellers]);
  const canAct = useCallback((sellerId: string) => sellers.find((s) => s.id === sellerId)?.role !== "VIEWER", [sellers]);
  const anyActor = sellers.some((seller) => seller.role !== "VIEWER");

  const [activeKey, setActiveKey] = useState<string | null>(openKey ?? null);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [helpOpen, setHelpOpenState] = useState(false);
  // Read by the key listener: a key pressed right after the help closes must not wait for a re-render.
  const helpOpenRef = useRef(false);
  const setHelpOpen = useCallback((open: boolean) => {
    helpOpenRef.current = open;
    setHelpOpenState(open);
  }, []);
  const [actionError, setActionError] = useState<string | null>(null);
  /** Items that arrived above the list since it was read: the fresh first page, shown on a click. */
  const [arrived, setArrived] = useState<{ page: InboxPage; count: number } | null>(null);
  const [split, setSplit] = useState(false);
  /** The sticky bulk bar's height: the split view sticks below it (0 while no bar is shown). */
  const [bulkBarHeight, setBulkBarHeight] = useState(0);
  // Set once the keyboard and click handlers are attached (tests wait for it before pressing keys).
  const [ready, setReady] = useState(false);
  const [now, setNow] = useState(renderedAt);
  const rowRefs = useRef(new Map<string, HTMLAnchorElement>());
  const searchRef = useRef<HTMLInputElement>(null);
  const pendingComposerFocus = useRef<string | null>(null);

  const basePath = pathname;
  const listHref = useCallback(
    (change: InboxUrlState = {}, open?: string) => `${basePath}${inboxQueryString({ ...state, ...change }, { [OPEN_ITEM_PARAM]: open })}`,
    [basePath, state],
  );
  const itemHref = (row: InboxRow) => `/s/${row.sellerId}/items/${row.id}`;

  useEffect(() => {
    const media = window.matchMedia(SPLIT_QUERY);
    const update = () => setSplit(media.matches);
    update();
    setReady(true);
    media.addEventListener("change", update);
    const clock = setInterval(() => setNow(Date.now()), 60_000);
    return () => {
      media.removeEventListener("change", update);
      clearInterval(clock);
    };
  }, []);

  // A new filter is a new list: the selection of the old one does not carry over.
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
    setArrived(null);
  }, [state]);

  // Scroll position: saved while scrolling, restored when coming back to this list with Back.
  const scrollKey = SCROLL_KEY + listHref();
  useLayoutEffect(() => {
    const saved = sessionStorage.getItem(scrollKey);
    if (saved && Date.now() - lastPopState < 15_000) window.scrollTo(0, Number(saved));
    let frame = 0;
    const onScroll = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => sessionStorage.setItem(scrollKey, String(window.scrollY)));
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("scroll", onScroll);
    };
  }, [scrollKey]);

  // The opened item has been read (the item view marks it); the list shows it at once.
  const updateRows = useCallback(
    (change: (row: InboxRow) => InboxRow) =>
      queryClient.setQueryData<InfiniteData<InboxPage, string | null>>(queryKey, (data) =>
        data ? { ...data, pages: data.pages.map((page) => ({ ...page, rows: page.rows.map(change) })) } : data,
      ),
    [queryClient, queryKey],
  );
  useEffect(() => {
    if (!openKey) return;
    setActiveKey(openKey);
    updateRows((row) => (row.key === openKey ? { ...row, read: true } : row));
  }, [openKey, updateRows]);

  // Live updates: rows on screen take their new read and reply state at once; items that would come
  // in above them (new ones, chats with a new message) are announced as "N new" and shown on a click,
  // so the list never moves under the user's pointer.
  const rowsRef = useRef(rows);
  useEffect(() => {
    rowsRef.current = rows;
  }, [rows]);
  const checking = useRef({ running: false, again: false });
  const checkForNew = useCallback(async () => {
    const check = checking.current;
    if (check.running) {
      check.again = true;
      return;
    }
    check.running = true;
    try {
      do {
        check.again = false;
        const page = await readInboxPage(reader, scope, state, null);
        const shown = new Map(rowsRef.current.map((row) => [row.key, row]));
        const count = page.rows.filter((row) => {
          const current = shown.get(row.key);
          return !current || row.lastActivityAt > current.lastActivityAt;
        }).length;
        setArrived(count > 0 ? { page, count } : null);
        // The filter chips' counts are the fresh ones.
        queryClient.setQueryData<InfiniteData<InboxPage, string | null>>(queryKey, (data) =>
          data ? { ...data, pages: data.pages.map((old, index) => (index === 0 ? { ...old, counts: page.counts } : old)) } : data,
        );
      } while (check.again);
    } catch {
      // The next change checks again; the list stays as it is meanwhile.
    } finally {
      check.running = false;
    }
  }, [reader, scope, state, queryClient, queryKey]);
  useLiveEvents((event) => {
    if (event.kind !== "changes") {
      // A fresh stream (nothing replayed) or too much to list: what is new is read from the list itself.
      if (event.kind === "reload" || !event.resumed) void checkForNew();
      return;
    }
    const changes = new Map<string, LiveChange>();
    for (const change of event.changes) {
      if (scope.kind === "all" || change.sellerId === scope.sellerId) changes.set(`${change.sellerId}.${change.itemId}`, change);
    }
    if (changes.size === 0) return;
    updateRows((row) => {
      const change = changes.get(row.key);
      return change
        ? { ...row, read: change.read, answered: change.answered, replyStatus: change.replyStatus, messageCount: change.messageCount }
        : row;
    });
    const shown = new Map(rowsRef.current.map((row) => [row.key, row]));
    const moved = [...changes].some(([key, change]) => {
      const current = shown.get(key);
      return !current || change.lastActivityAt > current.lastActivityAt;
    });
    if (moved) void checkForNew();
  });
  // On a stream already open (another page of this tab opened it), what came between the server's
  // render and now is read from the list itself, as a fresh stream's `ready` would do.
  useEffect(() => {
    if (liveIsUp()) void checkForNew();
  }, [checkForNew]);
  const showArrived = () => {
    if (!arrived) return;
    queryClient.setQueryData<InfiniteData<InboxPage, string | null>>(queryKey, { pages: [arrived.page], pageParams: [null] });
    setArrived(null);
    window.scrollTo({ top: 0 });
  };

  // `r` asked for the composer of the item opening in the pane: it mounts once the item has loaded.
  useEffect(() => {
    if (!openKey || pendingComposerFocus.current !== openKey) return;
    const started = Date.now();
    const timer = setInterval(() => {
      const ready = document.querySelector('[data-testid="split-pane"] textarea');
      if (ready || Date.now() - started > 10_000) {
        clearInterval(timer);
        pendingComposerFocus.current = null;
        if (ready) window.dispatchEvent(new CustomEvent("inbox:focus-composer"));
      }
    }, 100);
    return () => clearInterval(timer);
  }, [openKey]);

  const navigate = useCallback((change: InboxUrlState) => router.push(listHref(change), { scroll: false }), [router, listHref]);

  const open = useCallback(
    (row: InboxRow, options: { reply?: boolean } = {}) => {
      setActiveKey(row.key);
      if (split) {
        if (options.reply && openKey === row.key) {
          window.dispatchEvent(new CustomEvent("inbox:focus-composer"));
          return;
        }
        if (options.reply) pendingComposerFocus.current = row.key;
        window.history.pushState(null, "", listHref({}, row.key));
      } else {
        sessionStorage.setItem(scrollKey, String(window.scrollY));
        router.push(`${itemHref(row)}${options.reply ? "#reply-text" : ""}`);
      }
    },
    [split, openKey, router, listHref, scrollKey],
  );

  const closePane = useCallback(() => {
    window.history.pushState(null, "", listHref());
    const key = openKey;
    if (key) requestAnimationFrame(() => rowRefs.current.get(key)?.focus());
  }, [listHref, openKey]);

  // After a reply is queued in the split view, the next unanswered item opens.
  useEffect(() => {
    const onQueued = (event: Event) => {
      const detail = (event as CustomEvent<{ sellerId: string; itemId: string }>).detail;
      const key = `${detail.sellerId}.${detail.itemId}`;
      updateRows((row) => (row.key === key ? { ...row, replyStatus: "PENDING" } : row));
      if (!split) return;
      const index = rows.findIndex((row) => row.key === key);
      const waiting = (row: InboxRow) => row.key !== key && !row.answered && !row.replyStatus;
      const next = rows.slice(index + 1).find(waiting) ?? rows.slice(0, Math.max(index, 0)).find(waiting);
      if (next) open(next);
    };
    window.addEventListener("inbox:reply-queued", onQueued);
    return () => window.removeEventListener("inbox:reply-queued", onQueued);
  }, [rows, split, open, updateRows]);

  // Read writes go to the server one after another, in the order of the keys: `e` then `u` pressed
  // quickly must leave the item unread, and two concurrent requests could land in either order.
  const readWrites = useRef<{ tail: Promise<void>; waiting: number }>({ tail: Promise.resolve(), waiting: 0 });
  const setRead = useCallback(
    async (targets: InboxRow[], read: boolean) => {
      const allowed = targets.filter((row) => canAct(row.sellerId) && row.read !== read);
      if (allowed.length === 0) return;
      setActionError(null);
      updateRows((row) => (allowed.some((target) => target.key === row.key) ? { ...row, read } : row));
      const itemRefs = allowed.map((row) => ({ sellerId: row.sellerId, itemId: row.id }));
      const writes = readWrites.current;
      writes.waiting += 1;
      writes.tail = writes.tail.then(async () => {
        try {
          const results = await client.inbox.setReadBulk.mutate({ selection: { itemRefs }, read });
          if (results.some((result) => !result.ok)) setActionError(tf.actionFailed);
        } catch {
          setActionError(tf.actionFailed);
        }
      });
      await writes.tail;
      writes.waiting -= 1;
      // Refetched only once the last queued write is stored, so no stale page undoes a newer key.
      if (writes.waiting === 0) await queryClient.invalidateQueries({ queryKey: ["inbox-pages"] });
    },
    [canAct, client, queryClient, tf.actionFailed, updateRows],
  );

  const toggleSelected = useCallback((key: string, value?: boolean) => {
    setAllMatching(false);
    setSelected((current) => {
      const next = new Set(current);
      if (value ?? !next.has(key)) next.add(key);
      else next.delete(key);
      return next;
    });
  }, []);

  const activeIndex = rows.findIndex((row) => row.key === activeKey);
  const focusRow = useCallback((row: InboxRow | undefined) => {
    if (!row) return;
    setActiveKey(row.key);
    const element = rowRefs.current.get(row.key);
    element?.focus();
    element?.scrollIntoView({ block: "nearest" });
  }, []);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // Keyboard triage. Keys act on the active row; typing in a field is left alone.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (helpOpenRef.current) return; // the dialog handles its own keys
      if (isTyping(event.target)) {
        if (event.key === "Escape" && event.target === searchRef.current) {
          searchRef.current?.blur();
          focusRow(rows[Math.max(activeIndex, 0)]);
        }
        return;
      }
      const active = rows[activeIndex];
      const handled = (() => {
        switch (event.key) {
          case "j":
          case "ArrowDown":
            if (activeIndex + 1 < rows.length) focusRow(rows[activeIndex + 1]);
            else loadMore();
            return true;
          case "k":
          case "ArrowUp":
            focusRow(rows[Math.max(activeIndex - 1, 0)]);
            return true;
          case "Enter":
          case "o":
            if (!active) return false;
            open(active);
            return true;
          case "r":
            if (!active || !canAct(active.sellerId)) return false;
            open(active, { reply: true });
            return true;
          case "e":
          case "u": {
            const targets = selected.size > 0 ? rows.filter((row) => selected.has(row.key)) : active ? [active] : [];
            void setRead(targets, event.key === "e");
            return targets.length > 0;
          }
          case "x":
            if (!active) return false;
            toggleSelected(active.key);
            return true;
          case "/":
            searchRef.current?.focus();
            searchRef.current?.select();
            return true;
          case "?":
            setHelpOpen(true);
            return true;
          case "Escape":
            if (openKey) closePane();
            else if (selected.size > 0 || allMatching) {
              setSelected(new Set());
              setAllMatching(false);
            } else return false;
            return true;
          default:
            return false;
        }
      })();
      if (handled) event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [
    rows,
    activeIndex,
    setHelpOpen,
    selected,
    allMatching,
    openKey,
    open,
    closePane,
    focusRow,
    loadMore,
    setRead,
    toggleSelected,
    canAct,
  ]);

  // Infinite scroll: the next page loads when the end of the list comes into view.
  const sentinelRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const sentinel = sentinelRef.current;
    if (!sentinel || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && loadMore(), {
      rootMargin: "400px",
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasNextPage, loadMore]);

  const onRowOpen = (row: InboxRow) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    open(row);
  };

  const [openSellerId, openItemId] = openKey?.split(".") ?? [];
  const openRow = openSellerId && openItemId ? { sellerId: openSellerId, itemId: openItemId } : null;
  const filtered = Object.keys(state).some((key) => key !== "sort");
  const selection: BulkSelection | null = allMatching
    ? { kind: "filter", count: counts.matching?.count ?? rows.length, filter: selectionFilter(scope, state) }
    : selected.size > 0
      ? { kind: "items", rows: rows.filter((row) => selected.has(row.key)) }
      : null;

  const list =
    rows.length === 0 ? (
      <EmptyState filtered={filtered} hasAccounts={hasAccounts} scope={scope} resetHref={basePath} t={t} />
    ) : (
      <Card className="overflow-hidden">
        <ul className="divide-y divide-slate-100" data-testid="inbox-list" aria-label={tf.listLabel}>
          {rows.map((row) => (
            <InboxRowView
              key={row.key}
              ref={(element) => {
                if (element) rowRefs.current.set(row.key, element);
                else rowRefs.current.delete(row.key);
              }}
              row={row}
              href={itemHref(row)}
              sellerName={scope.kind === "all" ? row.sellerName : null}
              catalog={catalog}
              active={row.key === activeKey}
              open={row.key === openKey}
              selected={allMatching || selected.has(row.key)}
              selectable={anyActor}
              now={now}
              t={t}
              locale={locale}
              onOpen={onRowOpen(row)}
              onFocus={() => setActiveKey(row.key)}
              onSelect={(value) => toggleSelected(row.key, value)}
            />
          ))}
        </ul>
      </Card>
    );

  return (
    <div className="space-y-4" data-testid="inbox-view" data-ready={ready || undefined}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">
          {tf.title}
          {scope.kind === "seller" && <span className="text-slate-500"> · {sellerNames.get(scope.sellerId)}</span>}
        </h1>
        <button
          type="button"
          onClick={() => setHelpOpen(true)}
          className="hidden rounded-md px-2 py-1 text-xs text-slate-600 ring-1 ring-slate-300 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600 sm:inline-block"
        >
          {tf.keys.hint}
        </button>
      </div>

      <InboxFilters
        state={state}
        counts={counts}
        catalog={catalog}
        sellers={scope.kind === "all" ? sellers : null}
        t={t}
        onChange={navigate}
        searchRef={searchRef}
      />

      {anyActor && (
        <BulkBar
          selection={selection}
          pageRows={rows}
          matching={counts.matching?.count ?? null}
          viewerId={viewerId}
          t={t}
          onSelectPage={() => {
            setAllMatching(false);
            setSelected(new Set(rows.filter((row) => canAct(row.sellerId)).map((row) => row.key)));
          }}
          onSelectAllMatching={() => setAllMatching(true)}
          onClear={() => {
            setSelected(new Set());
            setAllMatching(false);
          }}
          onDone={() => queryClient.invalidateQueries({ queryKey: ["inbox-pages"] })}
          onHeightChange={setBulkBarHeight}
        />
      )}
      {actionError && (
        <p role="alert" className="text-sm text-rose-700">
          {actionError}
        </p>
      )}

      <div className={cn(split && "grid grid-cols-[minmax(0,5fr)_minmax(0,6fr)] items-start gap-6")}>
        <section aria-label={tf.listLabel} className="min-w-0 space-y-3">
          {arrived && (
            <button
              type="button"
              onClick={showArrived}
              className="sticky top-2 z-[5] mx-auto flex min-h-9 items-center gap-2 rounded-full bg-brand-600 px-4 py-1.5 text-sm font-medium text-white shadow-md hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
              data-testid="live-new-items"
            >
              {(
                t.live.newItems[new Intl.PluralRules(locale).select(arrived.count) as keyof typeof t.live.newItems] ?? t.live.newItems.other
              ).replace("{n}", String(arrived.count))}
              <span aria-hidden>·</span>
              <span className="underline">{t.live.showNew}</span>
            </button>
          )}
          {list}
          <div ref={sentinelRef} />
          {hasNextPage ? (
            <div className="text-center">
              <Button type="button" variant="secondary" onClick={loadMore} disabled={isFetchingNextPage} className="min-h-11">
                {isFetchingNextPage && <Spinner />}
                {isFetchingNextPage ? tf.loadingMore : tf.loadMore}
              </Button>
            </div>
          ) : (
            rows.length > 0 && <p className="text-center text-xs text-slate-500">{tf.endOfList}</p>
          )}
          {query.isFetchNextPageError && (
            <p role="alert" className="text-center text-sm text-rose-700">
              {tf.loadFailed}
            </p>
          )}
        </section>
        {split && (
          <aside
            aria-label={tf.openItem}
            className="sticky min-w-0 overflow-y-auto rounded-xl"
            // 1 rem from the window's top, or 0.5 rem below the bulk bar (itself 0.5 rem from the top).
            style={{
              top: bulkBarHeight + 16,
              maxHeight: `calc(100vh - ${bulkBarHeight + 32}px)`,
            }}
            data-testid="split-pane"
          >
            {openRow ? (
              <div className="space-y-2">
                <div className="flex justify-end gap-2">
                  <Link href={`/s/${openRow.sellerId}/items/${openRow.itemId}`} className={buttonClass("ghost", "min-h-9")}>
                    {tf.pane.openFull}
                  </Link>
                  <button type="button" onClick={closePane} className={buttonClass("ghost", "min-h-9")}>
                    {tf.pane.close}
                  </button>
                </div>
                <ItemView key={openKey} sellerId={openRow.sellerId} itemId={openRow.itemId} />
              </div>
            ) : (
              <Card className="p-8 text-center text-sm text-slate-600">{tf.pane.placeholder}</Card>
            )}
          </aside>
        )}
      </div>

      <KeyboardHelp open={helpOpen} onClose={() => setHelpOpen(false)} t={t} />
    </div>
  );
}

function EmptyState({
  filtered,
  hasAccounts,
  scope,
  resetHref,
  t,
}: {
  filtered: boolean;
  hasAccounts: boolean;
  scope: InboxScope;
  resetHref: string;
  t: Messages;
}) {
  const empty = t.triage.empty;
  const [title, text] = filtered
    ? [empty.filteredTitle, empty.filteredText]
    : hasAccounts
      ? [empty.inboxZeroTitle, empty.inboxZeroText]
      : [empty.noAccountsTitle, empty.noAccountsText];
  return (
    <Card className="px-6 py-12 text-center" data-testid="inbox-empty">
      <div aria-hidden className="mx-auto mb-4 flex h-12 w-12 items-center justify-center rounded-full bg-brand-50 text-2xl text-brand-600">
        <LineIcon className="size-6">
          {filtered ? (
            <>
              <circle cx="11" cy="11" r="7" />
              <path d="m20 20-4-4" />
            </>
          ) : hasAccounts ? (
            <path d="M5 12.5 10 17 19 7" />
          ) : (
            <path d="M12 5v14M5 12h14" />
          )}
        </LineIcon>
      </div>
      <h2 className="text-lg font-semibold">{title}</h2>
      <p className="mx-auto mt-2 max-w-md text-sm text-slate-600">{text}</p>
      {filtered ? (
        <Link href={resetHref} className={buttonClass("secondary", "mt-5")}>
          {t.triage.resetFilters}
        </Link>
      ) : (
        !hasAccounts &&
        scope.kind === "seller" && (
          <Link href={`/s/${scope.sellerId}/accounts`} className={buttonClass("primary", "mt-5")}>
            {empty.noAccountsAction}
          </Link>
        )
      )}
    </Card>
  );
}
