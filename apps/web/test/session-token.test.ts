// The session check that every page and API call makes: tokens come from next-auth's own `encode`,
// so this proves our decryption accepts exactly what next-auth issues and rejects everything else.
import { createCipheriv, randomBytes, hkdfSync } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decryptSessionToken, sessionCookieName, sessionCookieValue } from "../src/server/session-token";
import { sessionClaimsOf } from "../src/server/session-user";

const secret = "a-secret-of-this-test-only-1234567890";
const claims = { sub: "user-1", name: "Анна", email: "anna@example.com" };

/** Flips one character of a base64url part, keeping it valid base64url. */
function alter(token: string, partIndex: number): string {
  const parts = token.split(".");
  const part = parts[partIndex]!;
  parts[partIndex] = (part[0] === "A" ? "B" : "A") + part.slice(1);
  return parts.join(".");
}

describe("decryptSessionToken", () => {
  it("returns the claims of a token next-auth issued with the same secret", async () => {
    const token = await encode({ token: claims, secret });
    expect(decryptSessionToken(token, secret)).toMatchObject(claims);
  });

  it("rejects a token encrypted with another secret", async () => {
    const token = await encode({ token: claims, secret: "another-secret-entirely-0987654321" });
    expect(decryptSessionToken(token, secret)).toBeNull();
  });

  it("rejects a token whose header, IV, ciphertext or tag was altered", async () => {
    const token = await encode({ token: claims, secret });
    for (const part of [0, 2, 3, 4]) expect(decryptSessionToken(alter(token, part), secret)).toBeNull();
    expect(
      decryptSessionToken(
        token.replace(/^[^.]+\.\./, (head) => `${head.slice(0, -1)}x.`),
        secret,
      ),
    ).toBeNull();
    expect(decryptSessionToken(token.split(".").slice(0, 4).join("."), secret)).toBeNull();
    expect(decryptSessionToken("not-a-token", secret)).toBeNull();
  });

  it("rejects an expired token, allowing next-auth's 15 s of clock skew", async () => {
    const token = await encode({ token: claims, secret, maxAge: 60 });
    const nowS = Date.now() / 1000;
    expect(decryptSessionToken(token, secret, "", nowS + 60 + 10)).toMatchObject(claims);
    expect(decryptSessionToken(token, secret, "", nowS + 60 + 20)).toBeNull();
  });

  it("rejects a token with another algorithm in its header, even when the key is right", () => {
    // Same key and AES-GCM, but the header names "A128GCM": only "dir" + "A256GCM" is next-auth's.
    const key = Buffer.from(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    const header = Buffer.from(JSON.stringify({ alg: "dir", enc: "A128GCM" })).toString("base64url");
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(header, "ascii"));
    const exp = Math.floor(Date.now() / 1000) + 60;
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify({ ...claims, exp })), cipher.final()]);
    const forged = [header, "", iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")];
    expect(decryptSessionToken(forged.join("."), secret)).toBeNull();
    // The same construction with next-auth's header is accepted: the rejection above is the header's.
    const goodHeader = Buffer.from(JSON.stringify({ alg: "dir", enc: "A256GCM" })).toString("base64url");
    const goodCipher = createCipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(goodHeader, "ascii"));
    const goodText = Buffer.concat([goodCipher.update(JSON.stringify({ ...claims, exp })), goodCipher.final()]);
    const good = [goodHeader, "", iv.toString("base64url"), goodText.toString("base64url"), goodCipher.getAuthTag().toString("base64url")];
    expect(decryptSessionToken(good.join("."), secret)).toMatchObject(claims);
  });
});

describe("session cookie", () => {
  it("is read whole or joined from next-auth's numbered chunks", () => {
    const name = sessionCookieName("http://127.0.0.1:3000");
    expect(name).toBe("next-auth.session-token");
    expect(sessionCookieName("https://inbox.example.com")).toBe("__Secure-next-auth.session-token");
    expect(sessionCookieValue([{ name, value: "whole" }], name)).toBe("whole");
    expect(
      sessionCookieValue(
        [
          { name: `${name}.1`, value: "two" },
          { name: `${name}.0`, value: "one" },
        ],
        name,
      ),
    ).toBe("onetwo");
    expect(sessionCookieValue([{ name: "other", value: "x" }], name)).toBeNull();
  });
});

describe("sessionClaimsOf", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it("decrypts a cookie once, yet refuses it when it expires or the secret changes", async () => {
    vi.stubEnv("NEXTAUTH_SECRET", secret);
    vi.stubEnv("NEXTAUTH_URL", "http://127.0.0.1:3000");
    const cookies = [{ name: "next-auth.session-token", value: await encode({ token: claims, secret, maxAge: 60 }) }];
    const first = sessionClaimsOf(cookies);
    expect(first).toMatchObject(claims);
    // The same claims object: the second call did not decrypt again.
    expect(sessionClaimsOf(cookies)).toBe(first);
    vi.useFakeTimers({ now: Date.now() + 80_000 });
    expect(sessionClaimsOf(cookies)).toBeNull();
    vi.useRealTimers();
    expect(sessionClaimsOf(cookies)).toBe(first);
    vi.stubEnv("NEXTAUTH_SECRET", "another-secret-entirely-0987654321");
    expect(sessionClaimsOf(cookies)).toBeNull();
    expect(sessionClaimsOf([{ name: "next-auth.session-token", value: "not-a-token" }])).toBeNull();
  });
});
