// JSON parsing that keeps integers beyond 2^53 exact: Ozon message ids are uint64 numbers, and
// JSON.parse would silently round them. Such integers are turned into strings before parsing.
const SAFE_DIGITS = 15;

/**
 * Most bodies (every review and question page) hold no such integer: they are parsed once by
 * JSON.parse and checked, at a third of the cost of scanning the text first (a page of 100 Ozon
 * reviews, 66 kB: ~90 against 225–400 µs, on every page a sync reads). A body with one is scanned
 * and parsed again.
 */
export function parseJsonBigintSafe(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  return holdsUnsafeInteger(parsed) ? parseQuotingUnsafeIntegers(text) : parsed;
}

/** An integer JSON.parse could not keep exact: every token the scan would quote parses to one. */
function holdsUnsafeInteger(value: unknown): boolean {
  if (typeof value === "number") return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsUnsafeInteger);
  for (const key in value) if (holdsUnsafeInteger((value as Record<string, unknown>)[key])) return true;
  return false;
}

function parseQuotingUnsafeIntegers(text: string): unknown {
  let out = "";
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      i++;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 92 /* \ */) i += 2;
        else if (c === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (ch === 45 /* - */ || (ch >= 48 && ch <= 57)) {
      const start = i;
      i++;
      while (i < n && /[0-9.eE+-]/.test(text[i]!)) i++;
      const token = text.slice(start, i);
      const digits = token.startsWith("-") ? token.slice(1) : token;
      if (/^\d+$/.test(digits) && digits.length > SAFE_DIGITS && !Number.isSafeInteger(Number(token))) {
        out += text.slice(last, start) + `"${token}"`;
        last = i;
      }
      continue;
    }
    i++;
  }
  return JSON.parse(last === 0 ? text : out + text.slice(last));
}
