// `user:create` never takes the password as an argument (review finding 13): it reads it from stdin
// (or a hidden prompt on a terminal), and refuses --password. The seller it creates, with the user
// as its owner, is an audited membership change.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "../src/auth/password";
import { useChildProcesses } from "./support/child-processes";

const database = useTestDatabase();
const children = useChildProcesses();
const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function runCli(args: string[], stdin: string) {
  const child = children.spawn(process.execPath, ["--import", "tsx", "src/auth/create-user-cli.ts", ...args], {
    cwd: apiDir,
    env: { ...process.env, DATABASE_URL: database().url },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stdin?.end(stdin);
  return new Promise<{ code: number | null; output: string }>((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

describe("user:create", { timeout: 180_000 }, () => {
  it("reads the password from stdin and stores only its hash", async () => {
    const result = await runCli(
      ["--", "--email", "Anna@Example.ru", "--name", "Анна", "--seller", "ООО Ромашка"],
      "correct horse battery\n",
    );
    expect(result.output).toContain("Created anna@example.ru");
    expect(result.code).toBe(0);
    const user = await database().prisma.user.findUniqueOrThrow({ where: { email: "anna@example.ru" }, include: { memberships: true } });
    expect(user.passwordHash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery", user.passwordHash)).toBe(true);
    expect(user.memberships.map((membership) => membership.role)).toEqual(["OWNER"]);
    // The new membership is in that seller's audit log, made by the command line.
    const events = await database().prisma.auditEvent.findMany({ where: { sellerId: user.memberships[0]!.sellerId } });
    expect(events).toMatchObject([
      {
        action: "member.added",
        actorUserId: null,
        targetType: "user",
        targetId: user.id,
        detail: { email: "anna@example.ru", role: "OWNER" },
        userAgent: "user:create (command line)",
      },
    ]);
  });

  it("refuses a password given on the command line, and creates nobody", async () => {
    const result = await runCli(["--email", "boris@example.ru", "--name", "Борис", "--password", "visible-in-ps-123"], "");
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/--password is not accepted/);
    expect(await database().prisma.user.count({ where: { email: "boris@example.ru" } })).toBe(0);
  });

  it("refuses a short password read from stdin", async () => {
    const result = await runCli(["--email", "vera@example.ru", "--name", "Вера"], "short\n");
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/at least 10 characters/);
  });
});
