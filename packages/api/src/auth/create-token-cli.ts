// `pnpm token:create -- --email <owner> --seller <sellerId> --scopes read,reply [--expires 30d] [--name CRM]`
// (or `npm run token:create -- …`): creates an API token for scripts and automation and prints
// the token on stdout and nothing else, so `TOKEN=$(npm run -s token:create -- …)` works. Messages
// go to stderr. Reads DATABASE_URL, or the embedded database of this checkout.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createPrismaClient } from "@inbox/db";
import { ensureDatabase } from "@inbox/db/server";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../services/audit";
import { apiTokenScopeSchema, createApiToken, parseExpiry } from "./api-tokens";

const USAGE =
  "Usage: npm run token:create -- --email <owner email> --seller <sellerId> --scopes read,reply,manage [--expires 30d|12h] [--name <label>]";

const input = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  seller: z.string().trim().min(1).max(64),
  scopes: z
    .string()
    .max(100)
    .transform((value) => value.split(",").map((scope) => scope.trim()))
    .pipe(z.array(apiTokenScopeSchema).min(1)),
  expires: z.string().max(10).optional(),
  name: z.string().trim().min(1).max(100).default("Command line"),
});

function fail(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(1);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: {
      email: { type: "string" },
      seller: { type: "string" },
      scopes: { type: "string" },
      expires: { type: "string" },
      name: { type: "string" },
    },
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const parsed = input.safeParse(values);
if (!parsed.success) fail(z.prettifyError(parsed.error));
let expiresAt: Date | null = null;
try {
  expiresAt = parsed.data.expires ? parseExpiry(parsed.data.expires) : null;
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const database = await ensureDatabase({
  dataDir: path.resolve(process.env.INBOX_DATA_DIR ?? path.join(repoRoot, ".data")),
  log: (line) => console.error(line),
});
const prisma = createPrismaClient(database.url);
try {
  const { email, seller, scopes, name } = parsed.data;
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  if (!user) throw new Error(`No user with the email ${email}.`);
  const { token, apiToken } = await createApiToken(prisma, { sellerId: seller, createdById: user.id, name, scopes, expiresAt });
  await recordAudit(
    prisma,
    { actor: { userId: user.id }, request: { ip: null, userAgent: "token:create (command line)" } },
    {
      sellerId: seller,
      action: "token.created",
      target: { type: "api_token", id: apiToken.id },
      detail: { name, prefix: apiToken.prefix, scopes: apiToken.scopes },
    },
  );
  process.stdout.write(`${token}\n`);
} catch (error) {
  console.error(error instanceof TRPCError || error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
  await database.stop();
}
