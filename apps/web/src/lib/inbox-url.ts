// The inbox filter as URL parameters, both ways. Client-safe (no server imports): the server parses
// the result with @inbox/api's inboxFilterSchema, the browser uses it to build links and to change
// one filter while keeping the others. Lists are comma-separated: ?channels=review,question.

/** URL parameter → field of inboxFilterSchema. */
export const INBOX_URL_PARAMS = {
  sellers: "sellerIds",
  marketplaces: "marketplaces",
  channels: "channels",
  status: "status",
  unread: "unread",
  assignee: "assignee",
  ratings: "ratings",
  product: "product",
  from: "from",
  to: "to",
  q: "q",
  sort: "sort",
} as const;

export type InboxUrlParam = keyof typeof INBOX_URL_PARAMS;
const LIST_PARAMS = new Set<InboxUrlParam>(["sellers", "marketplaces", "channels", "ratings"]);
/** Not a filter: the item open in the split view (`sellerId.itemId`). */
export const OPEN_ITEM_PARAM = "open";

/** The filter as plain strings, exactly as the URL holds it (what the controls edit). */
export type InboxUrlState = Partial<Record<InboxUrlParam, string>>;

type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

function entriesOf(params: RawParams): Array<[string, string]> {
  if (params instanceof URLSearchParams) return [...params.entries()];
  return Object.entries(params).flatMap(([key, value]) =>
    value === undefined ? [] : Array.isArray(value) ? value.map((one): [string, string] => [key, one]) : [[key, value]],
  );
}

/** The inbox parameters of a URL; repeated list parameters are joined, other repeats keep the last. */
export function readInboxUrl(params: RawParams): InboxUrlState {
  const state: InboxUrlState = {};
  for (const [key, value] of entriesOf(params)) {
    if (!(key in INBOX_URL_PARAMS) || value.trim() === "") continue;
    const param = key as InboxUrlParam;
    state[param] = LIST_PARAMS.has(param) && state[param] ? `${state[param]},${value}` : value;
  }
  return state;
}

const splitList = (value: string) =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

/**
 * The input for inboxFilterSchema. Values are converted only in shape (lists split, "true" to
 * true, "3" to 3); the schema judges them, so a wrong value is reported rather than dropped.
 */
export function filterInputFromUrl(state: InboxUrlState): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [param, value] of Object.entries(state) as Array<[InboxUrlParam, string]>) {
    const field = INBOX_URL_PARAMS[param];
    if (param === "ratings") input[field] = splitList(value).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    else if (LIST_PARAMS.has(param)) input[field] = splitList(value);
    else if (param === "unread") input[field] = value === "true" ? true : value === "false" ? false : value;
    else input[field] = value;
  }
  return input;
}

/** The query string of a state (empty values dropped, stable order), with a leading "?" or "". */
export function inboxQueryString(state: InboxUrlState, extra?: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const param of Object.keys(INBOX_URL_PARAMS) as InboxUrlParam[]) {
    const value = state[param];
    if (value) query.set(param, value);
  }
  for (const [key, value] of Object.entries(extra ?? {})) if (value) query.set(key, value);
  const text = query.toString().replaceAll("%2C", ",");
  return text ? `?${text}` : "";
}

/** A list parameter with `value` added or removed. */
export function toggleListValue(current: string | undefined, value: string): string | undefined {
  const values = current ? splitList(current) : [];
  const next = values.includes(value) ? values.filter((one) => one !== value) : [...values, value];
  return next.length > 0 ? next.join(",") : undefined;
}

export function listValues(current: string | undefined): string[] {
  return current ? splitList(current) : [];
}
