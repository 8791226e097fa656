// The demo marketplaces' photos and videos: a picture drawn per file name (@inbox/api, demo/media.ts).
import { demoMediaPicture } from "@inbox/api";

export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const picture = demoMediaPicture((await params).file);
  if (picture === null) return new Response("Not found", { status: 404 });
  return new Response(picture, {
    headers: {
      "content-type": "image/svg+xml; charset=utf-8",
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      // Opened on its own, the picture runs nothing.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
