// The inbox URL parsed with the API's own filter schema: what the page shows is exactly what the
// router will accept, and a wrong parameter is named to the user instead of failing the page.
import "server-only";
import { inboxFilterSchema, type InboxFilter } from "@inbox/api";
import { filterInputFromUrl, INBOX_URL_PARAMS, readInboxUrl, type InboxUrlParam, type InboxUrlState } from "~/lib/inbox-url";

export interface InboxFilterProblem {
  param: InboxUrlParam;
  value: string;
  message: string;
}

export type ParsedInboxUrl =
  { ok: true; state: InboxUrlState; filter: InboxFilter } | { ok: false; state: InboxUrlState; problems: InboxFilterProblem[] };

const paramOfField = Object.fromEntries(Object.entries(INBOX_URL_PARAMS).map(([param, field]) => [field, param])) as Record<
  string,
  InboxUrlParam
>;

export function parseInboxUrl(searchParams: Record<string, string | string[] | undefined>): ParsedInboxUrl {
  const state = readInboxUrl(searchParams);
  const parsed = inboxFilterSchema.safeParse(filterInputFromUrl(state));
  if (parsed.success) {
    const { from, to } = parsed.data;
    if (from && to && from > to) {
      return { ok: false, state, problems: [{ param: "to", value: state.to ?? "", message: "to < from" }] };
    }
    return { ok: true, state, filter: parsed.data };
  }
  const problems = parsed.error.issues.map((issue): InboxFilterProblem => {
    const param = paramOfField[String(issue.path[0])] ?? "q";
    return { param, value: state[param] ?? "", message: issue.message };
  });
  // One line per parameter is enough for the user.
  const seen = new Set<string>();
  return { ok: false, state, problems: problems.filter((problem) => !seen.has(problem.param) && seen.add(problem.param)) };
}
