// The demo marketplaces' photos and videos: a picture drawn per file name (@inbox/api, demo/media.ts).
import { demoMediaPicture } from "@inbox/api";

export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const picture = demoMediaPicture((await params).file);
  if (picture === null) return new Response("Not found", { status: 404 });
  return new Response(picture, {
    headers: {
      "content-type": "image/svg+xml; charset=utf-8",
      "cache-control": "public, max-age=31536000, immutable",
      // The app's security headers (proxy.ts) apply as to every route: its script policy lets nothing
      // in the picture run were it opened on its own.
      "x-content-type-options": "nosniff",
    },
  });
}
