// Liveness and database reachability, for load balancers and the start-up script.
import { pingDatabase } from "@inbox/api";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const { latencyMs } = await pingDatabase();
    return Response.json({ status: "ok", database: { status: "ok", latencyMs } });
  } catch (error) {
    // The details go to the server log, not to anonymous callers.
    console.error("health check: database unreachable:", error);
    return Response.json({ status: "error", database: { status: "unreachable" } }, { status: 503 });
  }
}
