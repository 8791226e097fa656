// Liveness and database reachability, for load balancers and the start-up script.
import { getPrisma } from "@inbox/db";

export const dynamic = "force-dynamic";

export async function GET() {
  const started = performance.now();
  try {
    await getPrisma().$queryRaw`SELECT 1`;
    return Response.json({ status: "ok", database: { status: "ok", latencyMs: Math.round(performance.now() - started) } });
  } catch (error) {
    // The details go to the server log, not to anonymous callers.
    console.error("health check: database unreachable:", error);
    return Response.json({ status: "error", database: { status: "unreachable" } }, { status: 503 });
  }
}
