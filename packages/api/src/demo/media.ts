// Pictures for the demo marketplaces' photos and videos. The sandboxes link each one under
// DEMO_MEDIA_PATH (sandboxMediaLink), named after the CDN link the real marketplace would give; the
// app draws a picture per name, so the demo's thumbnails show photos instead of links that load
// nowhere. Nothing is read or stored: the name alone decides the picture.
import { SANDBOX_MEDIA_FILE } from "@inbox/connectors/sandbox/media";

export const DEMO_MEDIA_PATH = "/demo-media";

/** FNV-1a: a stable number per name, for the colours and the object drawn. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Three objects a buyer photographs: a box, a bottle, a mug. */
const OBJECTS = [
  `<rect x="80" y="150" width="140" height="175" rx="16" fill="#fff" opacity=".92"/><path d="M80 195h140" stroke="ACCENT" stroke-width="8"/>`,
  `<rect x="118" y="110" width="64" height="40" rx="8" fill="#fff" opacity=".8"/><rect x="100" y="145" width="100" height="180" rx="30" fill="#fff" opacity=".92"/><rect x="100" y="215" width="100" height="46" fill="ACCENT"/>`,
  `<rect x="85" y="185" width="120" height="140" rx="20" fill="#fff" opacity=".92"/><path d="M205 215c38 0 38 70 0 70" fill="none" stroke="#fff" stroke-width="14" opacity=".92"/><path d="M85 220h120" stroke="ACCENT" stroke-width="8"/>`,
];

/** The SVG picture of a demo media file name, or null when the name is not one the sandboxes make. */
export function demoMediaPicture(file: string): string | null {
  const match = SANDBOX_MEDIA_FILE.exec(file);
  if (!match) return null;
  const h = hash(file);
  const hue = h % 360;
  const accent = `hsl(${hue} 55% 55%)`;
  const video = match[1] === "video";
  const object = OBJECTS[(h >>> 9) % OBJECTS.length]!.replaceAll("ACCENT", accent);
  // A video is darker, and has no play mark of its own: the app labels its tile "▶ Video".
  const sun = video ? "" : `<circle cx="228" cy="78" r="26" fill="#fff" opacity=".5"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800" viewBox="0 0 300 400">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="hsl(${hue} 70% ${video ? 45 : 82}%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360} 60% ${video ? 25 : 58}%)"/>` +
    `</linearGradient></defs><rect width="300" height="400" fill="url(#g)"/>` +
    `<ellipse cx="150" cy="332" rx="96" ry="14" fill="#000" opacity=".12"/>${object}${sun}</svg>`
  );
}
