// A chat file that the marketplace serves only through its API (Wildberries `/seller/download/{id}`),
// streamed through our server so the account's token never reaches the browser.
import { downloadAttachment } from "@inbox/api";
import { TRPCError } from "@trpc/server";
import { getServerCaller } from "~/trpc/server";

export const dynamic = "force-dynamic";

type Params = { sellerId: string; itemId: string; downloadId: string };

export async function GET(_request: Request, { params }: { params: Promise<Params> }) {
  const { sellerId, itemId, downloadId } = await params;
  try {
    // The router decides access: signed in, a member of this seller, and the item is the seller's.
    await (await getServerCaller()).inbox.get({ sellerId, itemId });
    const file = await downloadAttachment({ sellerId, itemId, downloadId });
    if (file.status === "unavailable") {
      return Response.json({ message: file.message }, { status: file.reason === "moderation_failed" ? 451 : 404 });
    }
    if (file.status === "pending") {
      return Response.json(
        { status: "pending", message: "The marketplace is still checking this file. Try again shortly." },
        { status: 202, headers: { "Retry-After": String(file.retrySeconds ?? 30) } },
      );
    }
    return new Response(new Blob([new Uint8Array(file.bytes)]), {
      headers: {
        "content-type": file.contentType,
        "cache-control": "private, max-age=3600",
        // Served as a download or in place, never as active content of our origin.
        "x-content-type-options": "nosniff",
        "content-security-policy": "sandbox",
      },
    });
  } catch (error) {
    if (error instanceof TRPCError) {
      const status = error.code === "UNAUTHORIZED" ? 401 : error.code === "NOT_FOUND" ? 404 : error.code === "BAD_REQUEST" ? 400 : 500;
      return Response.json({ message: error.message }, { status });
    }
    console.error("attachment download failed:", error);
    return Response.json({ message: "Could not fetch the file from the marketplace." }, { status: 502 });
  }
}
