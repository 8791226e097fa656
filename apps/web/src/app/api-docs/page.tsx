// The REST reference, rendered on the server from the same OpenAPI document as /api/openapi.json
// (no external viewer: the app must work offline).
import { openApiDocument } from "@inbox/api";
import { headers } from "next/headers";
import { Badge, Card } from "~/components/ui";
import { getMessages } from "~/i18n/server";

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  minLength?: number;
  maximum?: number;
  minimum?: number;
  description?: string;
};
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema };
type Operation = {
  summary?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function describeSchema(schema: Schema | undefined): string {
  if (!schema) return "";
  const parts = [schema.enum ? schema.enum.map(String).join(" | ") : [schema.type ?? "any"].flat().join(" | ")];
  if (schema.format) parts.push(schema.format);
  if (schema.minLength !== undefined || schema.maxLength !== undefined)
    parts.push(`${schema.minLength ?? 0}–${schema.maxLength ?? "∞"} chars`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? "−∞"}…${schema.maximum ?? "∞"}`);
  return parts.join(", ");
}

export default async function ApiReferencePage() {
  const requestHeaders = await headers();
  const origin = `${requestHeaders.get("x-forwarded-proto") ?? "http"}://${requestHeaders.get("host") ?? "localhost"}`;
  const document = openApiDocument(origin);
  const { t } = await getMessages();
  const r = t.apiReference;
  const base = document.servers?.[0]?.url ?? "/api/v1";
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Record<string, Operation | undefined>)[method];
      return operation ? [{ path, method, operation }] : [];
    }),
  );
  const tags = [...new Set(operations.map(({ operation }) => operation.tags?.[0] ?? "other"))];

  return (
    <main className="mx-auto max-w-5xl space-y-6 px-4 py-8">
      <div>
        <h1 className="text-2xl font-semibold">{r.title}</h1>
        <p className="mt-2 text-sm text-slate-600">
          {r.intro.split(/(\{base\}|\{document\})/).map((part, index) =>
            part === "{base}" ? (
              <code key={index}>{base}</code>
            ) : part === "{document}" ? (
              <a key={index} href="/api/openapi.json" className="text-brand-700 hover:underline">
                /api/openapi.json
              </a>
            ) : (
              part
            ),
          )}
        </p>
        <p className="mt-2 text-sm text-slate-600">{r.errors}</p>
      </div>
      {tags.map((tag) => (
        <section key={tag} className="space-y-3">
          <h2 className="text-lg font-semibold capitalize">{tag}</h2>
          {operations
            .filter(({ operation }) => (operation.tags?.[0] ?? "other") === tag)
            .map(({ path, method, operation }) => {
              const body = operation.requestBody?.content?.["application/json"]?.schema;
              return (
                <Card key={`${method} ${path}`} className="p-4" data-testid="api-operation">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={method === "get" ? "blue" : method === "delete" ? "red" : "green"}>{method.toUpperCase()}</Badge>
                    <code className="font-mono text-sm">{path}</code>
                  </div>
                  {operation.summary && <p className="mt-1 text-sm text-slate-700">{operation.summary}</p>}
                  {operation.parameters && operation.parameters.length > 0 && (
                    <div className="mt-3">
                      <h3 className="text-xs font-medium tracking-wide text-slate-500 uppercase">{r.parameters}</h3>
                      <ul className="mt-1 space-y-0.5 text-sm">
                        {operation.parameters.map((parameter) => (
                          <li key={`${parameter.in}-${parameter.name}`}>
                            <code>{parameter.name}</code> <span className="text-slate-500">({parameter.in})</span>{" "}
                            {describeSchema(parameter.schema)}
                            {parameter.required && <span className="text-rose-700"> · {r.required}</span>}
                          </li>
                        ))}
                      </ul>
                    </div>
                  )}
                  {body !== undefined && (
                    <div className="mt-3">
                      <h3 className="text-xs font-medium tracking-wide text-slate-500 uppercase">{r.body}</h3>
                      <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(body, null, 2)}</pre>
                    </div>
                  )}
                </Card>
              );
            })}
        </section>
      ))}
    </main>
  );
}
