// Encryption at rest (review finding 10): every envelope names its key and is bound to its account;
// rotation re-seals every row with the new key; envelopes of the first format are migrated.
import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { reencryptAccountSecrets } from "../src/reencrypt";
import { accountSecretContext, decryptSecret, encryptSecret, keyId, keyringOf } from "../src/secrets";
import { useTestDatabase } from "../src/testing/use-test-database";

const database = useTestDatabase();
const oldKey = Buffer.alloc(32, 7);
const newKey = Buffer.alloc(32, 9);

/** An envelope as the app sealed them before key ids and associated data. */
function legacyEnvelope(plaintext: string, key: Buffer) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

describe("secret envelopes", () => {
  const keyring = keyringOf(oldKey);

  it("round-trip, name their key, and never hold the plaintext", () => {
    const envelope = encryptSecret('{"apiToken":"secret-token"}', accountSecretContext("acc-1"), keyring);
    expect(envelope).not.toContain("secret-token");
    expect(envelope.split(":").slice(0, 2)).toEqual(["v2", keyId(oldKey)]);
    expect(decryptSecret(envelope, accountSecretContext("acc-1"), keyring)).toBe('{"apiToken":"secret-token"}');
  });

  it("do not open for another account: a ciphertext copied between rows is refused", () => {
    const envelope = encryptSecret("token", accountSecretContext("acc-1"), keyring);
    expect(() => decryptSecret(envelope, accountSecretContext("acc-2"), keyring)).toThrow();
  });

  it("refuse tampering, including a swapped key id", () => {
    const [version, id, iv, tag, data] = encryptSecret("token", "ctx", keyring).split(":");
    const flipped = Buffer.from(data!, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptSecret([version, id, iv, tag, flipped.toString("base64")].join(":"), "ctx", keyring)).toThrow();
    expect(() => decryptSecret([version, keyId(newKey), iv, tag, data].join(":"), "ctx", keyringOf(oldKey, [newKey]))).toThrow();
  });
});

describe("key rotation", () => {
  it("re-seals every account with the new key, migrates first-format envelopes, and the old key is no longer needed", async () => {
    const { prisma } = database();
    const seller = await prisma.seller.create({ data: { name: "Rotation" } });
    const sealed = await prisma.marketplaceAccount.create({
      data: { id: "acc-sealed", sellerId: seller.id, marketplace: "OZON", displayName: "A", credentialsEncrypted: "pending" },
    });
    await prisma.marketplaceAccount.update({
      where: { id: sealed.id },
      data: { credentialsEncrypted: encryptSecret('{"apiKey":"a"}', accountSecretContext(sealed.id), keyringOf(oldKey)) },
    });
    const legacy = await prisma.marketplaceAccount.create({
      data: {
        sellerId: seller.id,
        marketplace: "WILDBERRIES",
        displayName: "B",
        credentialsEncrypted: legacyEnvelope('{"apiToken":"b"}', oldKey),
      },
    });

    const rotation = keyringOf(newKey, [oldKey]);
    expect(await reencryptAccountSecrets(prisma, rotation)).toEqual({ reencrypted: 2, unreadable: 0, total: 2 });
    const onlyNewKey = keyringOf(newKey);
    for (const [id, plaintext] of [
      [sealed.id, '{"apiKey":"a"}'],
      [legacy.id, '{"apiToken":"b"}'],
    ] as const) {
      const row = await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id } });
      expect(row.credentialsEncrypted.split(":").slice(0, 2)).toEqual(["v2", keyId(newKey)]);
      expect(decryptSecret(row.credentialsEncrypted, accountSecretContext(id), onlyNewKey)).toBe(plaintext);
    }
    // A second run has nothing to do.
    expect(await reencryptAccountSecrets(prisma, rotation)).toMatchObject({ reencrypted: 0 });
  });

  it("changes nothing when a row cannot be opened (wrong old key)", async () => {
    const { prisma } = database();
    const seller = await prisma.seller.create({ data: { name: "Broken" } });
    const row = await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "OZON", displayName: "C", credentialsEncrypted: legacyEnvelope("x", Buffer.alloc(32, 1)) },
    });
    const before = await prisma.marketplaceAccount.findMany({ orderBy: { id: "asc" } });
    await expect(reencryptAccountSecrets(prisma, keyringOf(newKey, [oldKey]))).rejects.toThrow(/No configured key/);
    expect(await prisma.marketplaceAccount.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    expect(await reencryptAccountSecrets(prisma, keyringOf(newKey, [oldKey]), { skipUnreadable: true })).toMatchObject({ unreadable: 1 });
    expect((await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: row.id } })).credentialsEncrypted).toMatch(/^v1:/);
  });
});
