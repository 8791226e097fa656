// Review findings 5 and 10: the data folder and its files are the owner's alone, and an external
// database without INBOX_SECRET_KEY is refused instead of getting a key made up on this machine.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureSecretKey, restrictToOwner } from "../src/server";

const made: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inbox-perm-"));
  made.push(dir);
  return path.join(dir, ".data");
}
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("data folder", () => {
  it("is closed to other users, and so are the files in it, also when they were world-readable before", () => {
    const dataDir = tempDir();
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.writeFileSync(path.join(dataDir, "runtime.json"), "{}", { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, "runtime.json"), 0o644);
    restrictToOwner(dataDir);
    // No read, write or list for others; as root, the postgres group may only pass through.
    expect(fs.statSync(dataDir).mode & 0o077 & ~0o010).toBe(0);
    expect(fs.statSync(path.join(dataDir, "runtime.json")).mode & 0o777).toBe(0o600);
  });

  it("gets its generated secret key as an owner-only file", () => {
    const dataDir = tempDir();
    const key = ensureSecretKey(dataDir, {});
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect(fs.statSync(path.join(dataDir, "secret.key")).mode & 0o777).toBe(0o600);
  });
});

describe("secret key with an external database", () => {
  it("is required: no key is generated, the start is refused with what to do", () => {
    const dataDir = tempDir();
    expect(() => ensureSecretKey(dataDir, { DATABASE_URL: "postgresql://db.example/inbox" })).toThrow(/INBOX_SECRET_KEY is not set/);
    expect(fs.existsSync(path.join(dataDir, "secret.key"))).toBe(false);
    expect(ensureSecretKey(dataDir, { DATABASE_URL: "postgresql://db.example/inbox", INBOX_SECRET_KEY: "k" })).toBe("k");
  });
});
