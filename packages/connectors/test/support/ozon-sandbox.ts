// Raw HTTP to the Ozon sandbox, as the Seller API is called: a JSON POST with the account's Client-Id
// and Api-Key headers. For tests that check the wire itself (status codes, error bodies, paging)
// rather than what a connector makes of it.
import type { OzonSandbox } from "../../src/ozon/sandbox/index";

export interface OzonResponse {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `body` to `path` as the sandbox's first account; the answer's JSON body is parsed. */
export async function postToOzonSandbox(
  sandbox: Pick<OzonSandbox, "url" | "credentials">,
  path: string,
  body: unknown,
): Promise<OzonResponse> {
  const res = await fetch(sandbox.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", "Client-Id": sandbox.credentials.clientId, "Api-Key": sandbox.credentials.apiKey },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
