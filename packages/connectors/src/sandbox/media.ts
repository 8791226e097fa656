// Where the sandboxes' photo and video links point. Its own module (exported as
// @inbox/connectors/sandbox/media) because the app reads the link format too (its /demo-media route)
// without loading the sandboxes.

/** The sandboxes' option that says where their photo and video links point. */
export interface SandboxMediaOptions {
  /**
   * Absent (tests): links on the marketplace's CDN, as its API returns them; for made-up items they
   * load nowhere. The demo sets the app's `/demo-media` route, which draws a picture per link, so
   * its thumbnails show photos (see sandboxMediaLink).
   */
  mediaBaseUrl?: string;
}

/** The file name of a link sandboxMediaLink makes under a media base. */
export const SANDBOX_MEDIA_FILE = /^(photo|video)-[a-zA-Z0-9-]{1,80}\.svg$/;

/**
 * A photo or video link as the sandbox returns it: `cdnUrl` itself, or with `mediaBaseUrl` a link
 * under it named after the CDN link (SANDBOX_MEDIA_FILE). A video's file and its preview image are
 * both "video" (the marketplaces' video hosts and names say so), so a preview looks like one.
 */
export function sandboxMediaLink(cdnUrl: string, mediaBaseUrl: string | undefined): string {
  if (!mediaBaseUrl) return cdnUrl;
  const { hostname, pathname } = new URL(cdnUrl);
  const kind = /video/i.test(hostname + pathname) ? "video" : "photo";
  const name = `${hostname}${pathname}`
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(-80);
  return `${mediaBaseUrl}/${kind}-${name}.svg`;
}
