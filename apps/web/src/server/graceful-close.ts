import type { Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

export interface GracefulClose {
  /** Stops accepting connections and resolves when the last one has ended. */
  close(): Promise<void>;
}

/**
 * Lets `server` close in the time its answers under way take. Node 20's `server.close()` closes the
 * connections idle at that moment only: a connection busy then stays kept alive after its answer
 * and takes the client's next request, so the server stayed open for its whole keep-alive timeout
 * (65 s), or for as long as a browser kept asking on it (an event stream reopened there never ends).
 * Here, every answer from the moment of close() on is the last on its connection.
 */
export function gracefulClose(server: Server): GracefulClose {
  let closing = false;
  const underWay = new Map<ServerResponse, Socket>();
  // Before the app's own listener, so the answer knows it is the last before it writes its headers.
  server.prependListener("request", (req, res: ServerResponse) => {
    if (closing) res.shouldKeepAlive = false;
    underWay.set(res, req.socket);
    res.once("close", () => underWay.delete(res));
  });
  return {
    close() {
      closing = true;
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      for (const [res, socket] of underWay) {
        if (!res.headersSent)
          res.shouldKeepAlive = false; // answers with `Connection: close`
        else if (res.writableFinished) socket.end();
        else res.once("finish", () => socket.end());
      }
      server.closeIdleConnections();
      return closed;
    },
  };
}
