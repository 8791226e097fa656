// Photos, videos and files of a review or chat message. Images open full size in a new tab; files
// served only through the marketplace API (a downloadId) go through our server route, which adds the
// account's token server-side.
"use client";
import { useEffect, useRef, useState } from "react";
import type { Messages } from "~/i18n/messages";
import { cn, LineIcon } from "~/components/ui";

export interface AttachmentView {
  kind: "image" | "video" | "file";
  url?: string;
  previewUrl?: string;
  downloadId?: string;
  name?: string;
  mimeType?: string;
  sizeBytes?: number;
}

function formatSize(bytes: number | undefined, t: Messages["item"]) {
  if (bytes === undefined) return undefined;
  const fill = (template: string, n: string) => template.replace("{n}", n);
  return bytes >= 1024 * 1024
    ? fill(t.sizeMb, (bytes / 1024 / 1024).toFixed(1))
    : fill(t.sizeKb, String(Math.max(1, Math.round(bytes / 1024))));
}

/**
 * One entry per marketplace file: Wildberries lists a chat photo under both `images` and `files`
 * with the same downloadId (stored messages keep both), and it would show twice. The first entry
 * stays where it was; a later one only adds what it lacked (the file's name and size).
 */
function oncePerFile(attachments: AttachmentView[]): AttachmentView[] {
  const merged = new Map<string, AttachmentView>();
  for (const a of attachments) {
    if (a.downloadId === undefined) continue;
    const first = merged.get(a.downloadId) ?? a;
    merged.set(a.downloadId, {
      ...first,
      url: first.url ?? a.url,
      previewUrl: first.previewUrl ?? a.previewUrl,
      name: first.name ?? a.name,
      mimeType: first.mimeType ?? a.mimeType,
      sizeBytes: first.sizeBytes ?? a.sizeBytes,
    });
  }
  const seen = new Set<string>();
  return attachments.flatMap((a) => {
    if (a.downloadId === undefined) return [a];
    if (seen.has(a.downloadId)) return [];
    seen.add(a.downloadId);
    return [merged.get(a.downloadId) ?? a];
  });
}

/**
 * A photo's thumbnail; when it cannot load (a marketplace CDN link that expired or is out of reach)
 * a placeholder says so, and the link around it still opens the full-size photo.
 */
function Thumbnail({ src, alt, t }: { src: string; alt: string; t: Messages["item"] }) {
  const image = useRef<HTMLImageElement>(null);
  const [failed, setFailed] = useState(false);
  // An image that failed before hydration fired its error event before React listened.
  useEffect(() => {
    if (image.current?.complete && image.current.naturalWidth === 0) setFailed(true);
  }, []);
  if (failed) {
    return (
      <span
        className="flex h-24 w-24 items-center justify-center rounded-lg border border-dashed border-slate-300 bg-slate-50 p-1 text-center text-xs text-slate-600"
        data-testid="photo-unavailable"
      >
        {t.photoUnavailable}
      </span>
    );
  }
  return (
    // Marketplace CDNs and our download route: a plain <img>, no Next image optimiser.
    <img
      ref={image}
      src={src}
      alt={alt}
      loading="lazy"
      onError={() => setFailed(true)}
      className="h-24 w-24 rounded-lg border border-slate-200 object-cover"
    />
  );
}

export function Attachments({
  attachments,
  sellerId,
  itemId,
  t,
  inverted = false,
}: {
  attachments: AttachmentView[];
  sellerId: string;
  itemId: string;
  t: Messages["item"];
  /** On a dark (outgoing) chat bubble. */
  inverted?: boolean;
}) {
  if (attachments.length === 0) return null;
  const href = (a: AttachmentView) =>
    a.downloadId
      ? `/api/attachments/${encodeURIComponent(sellerId)}/${encodeURIComponent(itemId)}/${encodeURIComponent(a.downloadId)}`
      : a.url;
  return (
    <ul className="mt-2 flex flex-wrap gap-2" aria-label={t.attachments} data-testid="attachments">
      {oncePerFile(attachments).map((a, index) => {
        const link = href(a);
        if (!link) return null;
        const key = `${a.downloadId ?? a.url}-${index}`;
        if (a.kind === "image") {
          return (
            <li key={key}>
              <a href={link} target="_blank" rel="noopener noreferrer" title={a.name ?? t.photo}>
                <Thumbnail src={a.downloadId ? link : (a.previewUrl ?? link)} alt={a.name ?? t.photo} t={t} />
              </a>
            </li>
          );
        }
        if (a.kind === "video") {
          return (
            <li key={key}>
              <a
                href={link}
                target="_blank"
                rel="noopener noreferrer"
                className="relative block h-24 w-24 overflow-hidden rounded-lg border border-slate-200 bg-slate-800 text-white"
              >
                {a.previewUrl && <img src={a.previewUrl} alt="" loading="lazy" className="h-full w-full object-cover opacity-80" />}
                <span className="absolute inset-0 flex items-center justify-center text-sm font-medium">▶ {t.video}</span>
              </a>
            </li>
          );
        }
        const size = formatSize(a.sizeBytes, t);
        return (
          <li key={key}>
            <a
              href={link}
              target="_blank"
              rel="noopener noreferrer"
              download={a.name}
              className={cn(
                "inline-flex items-center gap-1 rounded-md border px-2 py-1 text-xs",
                inverted ? "border-white/40 text-white" : "border-slate-200 text-slate-700 hover:bg-slate-50",
              )}
            >
              <LineIcon className="size-3.5">
                <path d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l8.57-8.57A4 4 0 1 1 18 8.84l-8.59 8.57a2 2 0 0 1-2.83-2.83l8.49-8.48" />
              </LineIcon>
              {a.name ?? t.file}
              {size && <span className={inverted ? "text-white/70" : "text-slate-600"}>· {size}</span>}
            </a>
          </li>
        );
      })}
    </ul>
  );
}
