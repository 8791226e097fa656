import { describe, expect, it } from "vitest";
import { formatDuration } from "../src/components/duration";

// Intl separates number and unit with a no-break space; compare with plain spaces.
const plain = (ms: number, locale: string) => formatDuration(ms, locale).replace(/\s/g, " ");

describe("formatDuration", () => {
  it("reads like a person would say it, in Russian and English, and never shows a short run as 0 s", () => {
    expect(plain(40, "ru")).toBe("40 мс");
    expect(plain(2_540, "ru")).toBe("2,5 с");
    expect(plain(42_900, "ru")).toBe("42 с");
    expect(plain(72_000, "ru")).toBe("1 мин 12 с");
    expect(plain(120_000, "ru")).toBe("2 мин");
    expect(plain(3 * 3_600_000 + 5 * 60_000, "ru")).toBe("3 ч 5 мин");
    expect(plain(52 * 3_600_000, "ru")).toMatch(/^2 дн\.? 4 ч$/);
    expect(plain(40, "en")).toBe("40 ms");
    expect(plain(72_000, "en")).toBe("1 min 12 secs");
    expect(plain(-5, "en")).toBe("0 ms");
  });
});
