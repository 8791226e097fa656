"use client";
// The header's part of live updates: the unread count in the tab title, opt-in browser
// notifications for new items, and a quiet note while the stream is down for long.
import { useCallback, useEffect, useRef, useState } from "react";
import { useMessages } from "~/i18n/client";
import { useTRPCClient } from "~/trpc/client";
import { cn, LineIcon } from "../ui";
import { liveSince, useLiveEvents, useLiveState, type LiveChange } from "./live-updates";

const NOTIFY_KEY = "inbox-notifications";
/** The title is recounted at most this often while changes stream in. */
const TITLE_EVERY_MS = 1_000;
const TITLE_PREFIX = /^\(\d+\+?\) /;

export function LiveHeader() {
  const { t, locale } = useMessages();
  const live = t.live;
  const client = useTRPCClient();
  const state = useLiveState();
  const [unread, setUnread] = useState<{ count: number; more: boolean } | null>(null);
  const [notify, setNotify] = useState<"on" | "off" | "blocked" | "unsupported">("unsupported");
  const notified = useRef(new Set<string>());

  useEffect(() => {
    if (!("Notification" in window)) return;
    if (Notification.permission === "denied") setNotify("blocked");
    else setNotify(Notification.permission === "granted" && localStorage.getItem(NOTIFY_KEY) === "on" ? "on" : "off");
  }, []);

  // Unread over all the user's sellers, recounted when something changes (the counters are cheap).
  const counting = useRef<{ timer?: ReturnType<typeof setTimeout>; last: number }>({ last: 0 });
  const recount = useCallback(() => {
    const pending = counting.current;
    if (pending.timer) return;
    pending.timer = setTimeout(
      () => {
        pending.timer = undefined;
        pending.last = Date.now();
        client.inbox.countsAll
          .query({ unread: true })
          .then((counts) => setUnread(counts.total))
          .catch(() => {});
      },
      Math.max(0, pending.last + TITLE_EVERY_MS - Date.now()),
    );
  }, [client]);
  useEffect(() => () => clearTimeout(counting.current.timer), []);

  const notifyNew = useCallback(
    (changes: LiveChange[]) => {
      const since = liveSince();
      if (notify !== "on" || !since || Notification.permission !== "granted") return;
      const fresh = changes.filter((change) => change.createdAt >= since && !change.read && !notified.current.has(change.itemId));
      if (fresh.length === 0) return;
      fresh.forEach((change) => notified.current.add(change.itemId));
      const plural = new Intl.PluralRules(locale).select(fresh.length) as keyof typeof live.notificationTitle;
      // One per batch; the tag lets the browser fold the notifications of several open tabs.
      new Notification((live.notificationTitle[plural] ?? live.notificationTitle.other).replace("{n}", String(fresh.length)), {
        body: live.notificationBody,
        tag: `inbox-new-${fresh[0]!.itemId}`,
      });
    },
    [notify, locale, live],
  );

  useLiveEvents((event) => {
    recount();
    if (event.kind === "changes") notifyNew(event.changes);
  });

  // The title keeps its page's text; only the "(N) " in front is ours. Next.js sets the page's title
  // on navigation: the observer puts the count back.
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(TITLE_PREFIX, "");
      const next = unread && unread.count > 0 ? `(${unread.count}${unread.more ? "+" : ""}) ${base}` : base;
      if (document.title !== next) document.title = next;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [unread]);

  const toggleNotify = async () => {
    if (notify === "on") {
      localStorage.setItem(NOTIFY_KEY, "off");
      setNotify("off");
      return;
    }
    // Asked only here, after the user's click, as browsers require.
    const permission = await Notification.requestPermission();
    if (permission === "granted") {
      localStorage.setItem(NOTIFY_KEY, "on");
      setNotify("on");
    } else if (permission === "denied") setNotify("blocked");
  };

  return (
    <div className="flex items-center gap-3" data-testid="live-header" data-live-state={state}>
      {state === "reconnecting" && (
        <span role="status" title={live.reconnectingHint} className="text-xs text-amber-700" data-testid="live-reconnecting">
          {live.reconnecting}
        </span>
      )}
      {notify !== "unsupported" && (
        <button
          type="button"
          onClick={() => void toggleNotify()}
          disabled={notify === "blocked"}
          aria-pressed={notify === "on"}
          title={notify === "blocked" ? live.notifyBlocked : undefined}
          className={cn(
            "min-h-9 text-sm hover:text-slate-900 disabled:cursor-not-allowed disabled:opacity-60",
            notify === "on" ? "text-brand-700" : "text-slate-600",
          )}
          data-testid="live-notify-toggle"
        >
          <LineIcon className="mr-1 inline-block size-4 align-[-3px]">
            <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
            <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
            {notify !== "on" && <path d="M3 3l18 18" />}
          </LineIcon>
          {notify === "on" ? live.notifyOn : notify === "blocked" ? live.notifyBlocked : live.notifyOff}
        </button>
      )}
    </div>
  );
}
