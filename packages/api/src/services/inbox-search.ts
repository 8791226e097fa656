// Russian full-text search over Item."searchVector" (generated column, migration inbox_triage; GIN
// index Item_seller_search_idx over ("sellerId", "marketplace", "rating", "searchVector"), migration
// item_seller_search) and the highlighted snippets of a page's rows.
import { Prisma } from "@inbox/db";

/** The user's search words (websearch syntax: "phrase", or, -word) with Russian stemming. */
export const searchQuery = (q: string) => Prisma.sql`websearch_to_tsquery('russian', ${q})`;

/**
 * The product filter's words, matched only against the product name (weight A in the search
 * document): «кроссовки беговые» → 'кроссовк':A & 'бегов':A. Only letters and digits reach to_tsquery.
 */
export function productWordsQuery(product: string): Prisma.Sql | null {
  const words = product.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return Prisma.sql`to_tsquery('russian', ${words.map((word) => `${word}:A`).join(" & ")})`;
}

// Private-use characters mark the matches in ts_headline's output; they are removed from the source
// text first, so a user's own text can never fake a mark. ts_headline reshapes its input (it drops
// what looks like an HTML tag), so it only tells which words matched: the segments are cut from the
// stored text itself, as written, and the client renders them as plain text (no HTML at all).
const START = "\uE000";
const STOP = "\uE001";
const MARK_ALL = `StartSel=${START}, StopSel=${STOP}, HighlightAll=true`;

/** ts_headline of `text` for `query`, marking every match: for the page's rows only (it re-parses the text). */
export function markedMatches(text: Prisma.Sql, query: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`ts_headline('russian', translate(${text}, ${START + STOP}, ''), ${query}, ${MARK_ALL})`;
}

/** A word: letters and digits, as the highlight cuts text. */
const WORD = /[\p{L}\p{N}]+/gu;

/** The words ts_headline marked, lower-cased. */
export function matchedWords(marked: string | null): Set<string> {
  const words = new Set<string>();
  for (const part of (marked ?? "").split(START).slice(1)) {
    const stop = part.indexOf(STOP);
    for (const word of (stop === -1 ? part : part.slice(0, stop)).match(WORD) ?? []) words.add(word.toLowerCase());
  }
  return words;
}

/** A piece of highlighted text: render `text` as text, emphasised when `match`. */
export interface HighlightSegment {
  text: string;
  match: boolean;
}

const ENDS_IN_WORD = /[\p{L}\p{N}]$/u;
const STARTS_WITH_WORD = /^[\p{L}\p{N}]/u;

/** `text` cut into segments at the matched words; null when none of them occurs in it. */
export function highlightSegments(text: string | null, words: Set<string>): HighlightSegment[] | null {
  if (!text || words.size === 0) return null;
  const lower = text.toLowerCase();
  // The words are found in the lower-cased text, where every index stays in place, unless lower-casing
  // changed the length (İ) or depends on context (Σ at a word's end): then the text is cut into words
  // one by one. Searching the few matched words costs a fraction of that (the highlight of a search
  // page was 5 % of its CPU).
  const spans = lower.length === text.length && !text.includes("Σ") ? wordSpans(lower, words) : tokenSpans(text, words);
  if (spans.length === 0) return null;
  const segments: HighlightSegment[] = [];
  let last = 0;
  for (const [start, end] of spans) {
    if (start > last) segments.push({ text: text.slice(last, start), match: false });
    segments.push({ text: text.slice(start, end), match: true });
    last = end;
  }
  if (last < text.length) segments.push({ text: text.slice(last), match: false });
  return segments;
}

/** Where the words occur in `lower` as whole words (no letter or digit on either side), in order. */
function wordSpans(lower: string, words: Set<string>): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const word of words) {
    if (!word) continue;
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
      const end = at + word.length;
      // Two code units on each side: a letter outside the BMP is a surrogate pair.
      if (ENDS_IN_WORD.test(lower.slice(Math.max(0, at - 2), at)) || STARTS_WITH_WORD.test(lower.slice(end, end + 2))) continue;
      spans.push([at, end]);
    }
  }
  // Whole words never overlap, so sorting by start is enough.
  return spans.sort((a, b) => a[0] - b[0]);
}

/** The same spans, from the text cut into words. */
function tokenSpans(text: string, words: Set<string>): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const token of text.matchAll(WORD)) {
    if (words.has(token[0].toLowerCase())) spans.push([token.index, token.index + token[0].length]);
  }
  return spans;
}

/** About `length` characters of `segments` around the first match, with "…" where text was cut. */
export function snippetAround(segments: HighlightSegment[], length = 300): HighlightSegment[] {
  const total = segments.reduce((sum, segment) => sum + segment.text.length, 0);
  if (total <= length) return segments;
  let offset = 0;
  for (const segment of segments) {
    if (segment.match) break;
    offset += segment.text.length;
  }
  const from = Math.max(0, Math.min(offset - 60, total - length));
  const to = from + length;
  const out: HighlightSegment[] = from > 0 ? [{ text: "…", match: false }] : [];
  let position = 0;
  for (const segment of segments) {
    const start = position;
    const end = position + segment.text.length;
    position = end;
    if (end <= from || start >= to) continue;
    out.push({ text: segment.text.slice(Math.max(0, from - start), Math.min(segment.text.length, to - start)), match: segment.match });
  }
  if (to < total) out.push({ text: "…", match: false });
  return out;
}
