// `npm run user:create -- --email a@b.ru --name "Анна" [--seller "ООО Ромашка"]`: the first user of a
// deployment without demo data (INBOX_DEMO=off). The password is never an argument (arguments show
// in `ps` and shell history): it is asked for without echo on a terminal, or read from the first line
// of stdin (`printf '%s\n' "$PASSWORD" | npm run user:create -- …`). With --seller, also creates that
// seller with the user as its OWNER. Reads DATABASE_URL, or the embedded database of this checkout.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createPrismaClient } from "@inbox/db";
import { ensureDatabase } from "@inbox/db/server";
import { z } from "zod";
import { recordAudit } from "../services/audit";
import { hashPassword, PASSWORD_LENGTH } from "./password";
import { readPassword } from "./read-password";

const USAGE =
  'Usage: npm run user:create -- --email a@b.ru --name "Анна" [--seller "ООО Ромашка"]   (the password is asked for, or read from stdin)';

const input = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  name: z.string().trim().min(1).max(100),
  password: z.string().min(PASSWORD_LENGTH.min, `Use a password of at least ${PASSWORD_LENGTH.min} characters.`).max(PASSWORD_LENGTH.max),
  seller: z.string().trim().min(1).max(100).optional(),
});

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { email: { type: "string" }, name: { type: "string" }, password: { type: "string" }, seller: { type: "string" } },
});
if (values.password !== undefined) {
  console.error("--password is not accepted: a password on the command line shows in `ps` and in shell history.");
  console.error("Run without it to be asked, or pipe it: printf '%s\\n' \"$PASSWORD\" | npm run user:create -- --email … --name …");
  process.exit(1);
}
if (!values.email || !values.name) {
  console.error(USAGE);
  process.exit(1);
}
const password = await readPassword("Password (10+ characters): ").catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
const parsed = input.safeParse({ ...values, password });
if (!parsed.success) {
  console.error(z.prettifyError(parsed.error));
  console.error(USAGE);
  process.exit(1);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const database = await ensureDatabase({ dataDir: path.resolve(process.env.INBOX_DATA_DIR ?? path.join(repoRoot, ".data")) });
const prisma = createPrismaClient(database.url);
try {
  const { email, name, password, seller } = parsed.data;
  if (await prisma.user.findUnique({ where: { email } })) throw new Error(`A user with the email ${email} already exists.`);
  const passwordHash = await hashPassword(password);
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email, name, passwordHash } });
    if (!seller) return;
    const created = await tx.seller.create({ data: { name: seller, memberships: { create: { userId: user.id, role: "OWNER" } } } });
    // A membership made by the operator, not by a signed-in user: no actor, the command as the agent.
    await recordAudit(
      tx,
      { actor: { userId: null }, request: { ip: null, userAgent: "user:create (command line)" } },
      { sellerId: created.id, action: "member.added", target: { type: "user", id: user.id }, detail: { email, role: "OWNER" } },
    );
  });
  console.log(`Created ${email}${seller ? `, owner of "${seller}"` : ""}.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
  await database.stop();
}
