// Every error from the server in the user's language with what to do next: by the domain reason the
// API sends (error.data.reason, see packages/api/src/errors.ts), else by the tRPC code; the server's
// own (English) message text is never shown.
import type { Messages } from "~/i18n/messages";

/** Replaces {name} placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}

interface ErrorLike {
  data?: { code?: string; reason?: string | null; details?: Record<string, string | number> | null } | null;
}

export function serverErrorMessage(error: unknown, t: Messages): string {
  const data = (error as ErrorLike | null)?.data;
  if (!data) return t.serverError.network!;
  const byReason = data.reason ? t.serverError[data.reason] : undefined;
  if (byReason) return fill(byReason, data.details ?? {});
  return t.serverError[data.code ?? ""] ?? t.serverError.generic!;
}
