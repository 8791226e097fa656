// The search page's highlight: the matched words are found in the text without cutting all of it into
// words, so it is checked against the plain definition (every maximal run of letters and digits whose
// lower case is one of the words) on generated texts: Cyrillic, Latin, digits, punctuation, letters
// outside the BMP, combining marks, and the characters whose lower case is longer (İ) or depends on
// what follows (Σ).
import { describe, expect, it } from "vitest";
import { SeededRandom } from "@inbox/connectors/sandbox";
import { highlightSegments, type HighlightSegment } from "../src/services/inbox-search";

function byWords(text: string | null, words: Set<string>): HighlightSegment[] | null {
  if (!text || words.size === 0) return null;
  const segments: HighlightSegment[] = [];
  let last = 0;
  for (const token of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (!words.has(token[0].toLowerCase())) continue;
    if (token.index > last) segments.push({ text: text.slice(last, token.index), match: false });
    segments.push({ text: token[0], match: true });
    last = token.index + token[0].length;
  }
  if (segments.length === 0) return null;
  if (last < text.length) segments.push({ text: text.slice(last), match: false });
  return segments;
}

const PIECES = [
  "раз",
  "мер",
  "Размер",
  "РАЗМЕРЫ",
  "доставка",
  "ёж",
  "Ё",
  "size",
  "XL",
  "42",
  "й",
  "и\u0306",
  "𝐀𝐁",
  "😀",
  "İ",
  "Σ",
  "ΟΔΟΣ",
  " ",
  " ",
  ", ",
  ".",
  "-",
  "'",
  "\n",
  "«",
  "»",
];

describe("highlightSegments", () => {
  it("cuts 5 000 generated texts exactly as the plain definition does", () => {
    // Seeded, so a failure names its case.
    const random = new SeededRandom(20261205);
    const next = () => random.next();
    for (let run = 0; run < 5_000; run += 1) {
      const text = Array.from({ length: 1 + Math.floor(next() * 12) }, () => PIECES[Math.floor(next() * PIECES.length)]!).join("");
      const tokens = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((token) => token[0].toLowerCase());
      const words = new Set(tokens.filter(() => next() < 0.3));
      if (next() < 0.2) words.add(PIECES[Math.floor(next() * PIECES.length)]!.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ""));
      expect(highlightSegments(text, words), `${JSON.stringify(text)} ${JSON.stringify([...words])}`).toEqual(byWords(text, words));
    }
  });

  it("marks whole words only, in any letter case, and nothing when no word occurs", () => {
    expect(highlightSegments("Размеры: размер, РАЗМЕР!", new Set(["размер"]))).toEqual([
      { text: "Размеры: ", match: false },
      { text: "размер", match: true },
      { text: ", ", match: false },
      { text: "РАЗМЕР", match: true },
      { text: "!", match: false },
    ]);
    expect(highlightSegments("Размеры", new Set(["размер"]))).toBeNull();
    expect(highlightSegments("текст", new Set([""]))).toBeNull();
  });
});
