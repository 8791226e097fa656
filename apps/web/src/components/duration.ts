// Durations people read at a glance: "40 мс", "2,5 с", "1 мин 12 с", "3 ч 5 мин", "2 дн. 4 ч". Two
// units at most, never "0 с" for a run that took milliseconds.
type Unit = "millisecond" | "second" | "minute" | "hour" | "day";

function unit(value: number, name: Unit, locale: string, fractionDigits = 0) {
  return new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    style: "unit",
    unit: name,
    unitDisplay: "short",
    maximumFractionDigits: fractionDigits,
  }).format(value);
}

export function formatDuration(ms: number, locale: string): string {
  const value = Math.max(0, ms);
  if (value < 1_000) return unit(Math.round(value), "millisecond", locale);
  if (value < 10_000) return unit(Math.floor(value / 100) / 10, "second", locale, 1);
  const seconds = Math.floor(value / 1_000);
  if (seconds < 60) return unit(seconds, "second", locale);
  const pair = (big: number, bigUnit: Unit, small: number, smallUnit: Unit) =>
    small > 0 ? `${unit(big, bigUnit, locale)} ${unit(small, smallUnit, locale)}` : unit(big, bigUnit, locale);
  if (seconds < 3_600) return pair(Math.floor(seconds / 60), "minute", seconds % 60, "second");
  const minutes = Math.floor(seconds / 60);
  if (minutes < 24 * 60) return pair(Math.floor(minutes / 60), "hour", minutes % 60, "minute");
  const hours = Math.floor(minutes / 60);
  return pair(Math.floor(hours / 24), "day", hours % 24, "hour");
}
