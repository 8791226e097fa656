// Other apps' access, end to end against the production build: an owner creates a token on the
// seller's API page (shown once), uses it over tRPC and REST, runs the example app with it, and
// revokes it; a token or user of another seller gets nothing from the demo seller.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiToken } from "@inbox/api";
import { expect, signInThroughApi, test } from "./fixtures";

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "answer-reviews");

function runExample(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "answer-reviews.ts"], {
      cwd: exampleDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("an owner creates a token once, other apps use it over tRPC, REST and the example, and revoking it locks them out", async ({
  page,
  otherSeller,
  prisma,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await signInThroughApi(page, otherSeller.email, otherSeller.password);
  await page.goto(`/s/${otherSeller.sellerId}/api`);
  await expect(page.getByRole("heading", { name: "API и токены" })).toBeVisible();

  await page.getByLabel("Название").fill("Пример для e2e");
  await page.getByRole("checkbox", { name: /Ответы/ }).check();
  await page.getByRole("button", { name: "Создать токен" }).click();
  const shown = page.getByTestId("new-api-token");
  await expect(shown).toHaveText(/^inbox_[A-Za-z0-9_-]{43}$/);
  const token = (await shown.textContent())!;
  await expect(page.getByTestId("api-token-row").filter({ hasText: "Пример для e2e" })).toContainText(token.slice(0, 12));
  // Only the hash is stored.
  expect(await prisma.apiToken.count({ where: { secretHash: token } })).toBe(0);

  const bearer = { authorization: `Bearer ${token}` };
  const input = encodeURIComponent(JSON.stringify({ json: { sellerId: otherSeller.sellerId, status: "unanswered" } }));
  const viaTrpc = await page.request.get(`/api/trpc/inbox.list?input=${input}`, { headers: bearer });
  expect(viaTrpc.status()).toBe(200);
  const viaRest = await page.request.get(`/api/v1/sellers/${otherSeller.sellerId}/inbox?status=unanswered`, { headers: bearer });
  expect(viaRest.status()).toBe(200);
  expect(JSON.stringify(await viaRest.json())).toContain(otherSeller.itemId);
  // Without a session cookie: the token alone is enough.
  const anonymous = await page.context().browser()!.newContext({ baseURL });
  expect((await anonymous.request.get(`/api/v1/sellers/${otherSeller.sellerId}/inbox`, { headers: bearer })).status()).toBe(200);
  expect((await anonymous.request.get(`/api/v1/sellers/${otherSeller.sellerId}/inbox`)).status()).toBe(401);

  const example = await runExample({ INBOX_URL: baseURL!, INBOX_TOKEN: token });
  expect(example.code, example.stderr).toBe(0);
  expect(example.stdout).toContain(`answered ${otherSeller.itemId}`);
  expect(await prisma.reply.count({ where: { itemId: otherSeller.itemId } })).toBe(1);

  await page.reload();
  await expect(page.getByTestId("api-token-row").filter({ hasText: "Пример для e2e" })).not.toContainText("никогда");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId("api-token-row").filter({ hasText: "Пример для e2e" }).getByRole("button", { name: "Отозвать" }).click();
  await expect(page.getByTestId("api-token-row").filter({ hasText: "Пример для e2e" })).toContainText("Отозван");
  const afterRevoke = await anonymous.request.get(`/api/v1/sellers/${otherSeller.sellerId}/inbox`, { headers: bearer });
  expect(afterRevoke.status()).toBe(401);
  expect((await afterRevoke.json()) as { message: string }).toMatchObject({ message: "This API token was revoked." });
  await anonymous.close();
});

test("another seller's token and user get nothing from the demo seller, and a read-only token cannot answer, through the API and the UI", async ({
  page,
  otherSeller,
  prisma,
}) => {
  const demoUser = await prisma.user.findUniqueOrThrow({ where: { email: "demo@inbox.local" }, include: { memberships: true } });
  const demoSellerId = demoUser.memberships[0]!.sellerId;
  const demoItem = await prisma.item.findFirstOrThrow({ where: { sellerId: demoSellerId } });
  const owner = await prisma.user.findUniqueOrThrow({ where: { email: otherSeller.email } });
  const { token } = await createApiToken(prisma, {
    sellerId: otherSeller.sellerId,
    createdById: owner.id,
    name: "чужой",
    scopes: ["read", "reply", "manage"],
  });
  const bearer = { authorization: `Bearer ${token}` };

  for (const url of [
    `/api/v1/sellers/${demoSellerId}/inbox`,
    `/api/v1/sellers/${demoSellerId}/items/${demoItem.id}`,
    `/api/v1/sellers/${demoSellerId}/accounts`,
  ]) {
    const response = await page.request.get(url, { headers: bearer });
    expect(response.status(), url).toBe(403);
    expect(((await response.json()) as { message: string }).message).toBe("This API token belongs to another seller.");
  }
  const reply = await page.request.post(`/api/v1/sellers/${demoSellerId}/items/${demoItem.id}/replies`, {
    headers: bearer,
    data: { text: "Чужой ответ по токену", idempotencyKey: "foreign-token-e2e" },
  });
  expect(reply.status()).toBe(403);
  expect(await prisma.reply.count({ where: { text: "Чужой ответ по токену" } })).toBe(0);

  // A token of the seller itself, but read-only: it reads, and may not answer.
  const { token: readOnly } = await createApiToken(prisma, {
    sellerId: otherSeller.sellerId,
    createdById: owner.id,
    name: "только чтение",
    scopes: ["read"],
  });
  const narrow = { authorization: `Bearer ${readOnly}` };
  expect(
    (await page.request.get(`/api/v1/sellers/${otherSeller.sellerId}/items/${otherSeller.itemId}`, { headers: narrow })).status(),
  ).toBe(200);
  const narrowReply = await page.request.post(`/api/v1/sellers/${otherSeller.sellerId}/items/${otherSeller.itemId}/replies`, {
    headers: narrow,
    data: { text: "Ответ токеном только для чтения", idempotencyKey: "read-only-token-e2e" },
  });
  expect(narrowReply.status()).toBe(403);
  expect(((await narrowReply.json()) as { message: string }).message).toMatch(/reply/);
  expect(await prisma.reply.count({ where: { itemId: otherSeller.itemId } })).toBe(0);

  await signInThroughApi(page, otherSeller.email, otherSeller.password);
  const apiPage = await page.goto(`/s/${demoSellerId}/api`);
  expect(apiPage?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Не найдено" })).toBeVisible();
});

test("the REST reference page renders the OpenAPI document without any external script", async ({ page }) => {
  const external: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("http://127.0.0.1")) external.push(request.url());
  });
  const document = await page.request.get("/api/openapi.json");
  expect(document.status()).toBe(200);
  const paths = Object.keys(((await document.json()) as { paths: Record<string, unknown> }).paths);
  expect(paths).toContain("/sellers/{sellerId}/inbox");
  await page.goto("/api-docs");
  await expect(page.getByRole("heading", { name: "REST API" })).toBeVisible();
  await expect(page.getByTestId("api-operation").filter({ hasText: "/sellers/{sellerId}/items/{itemId}/replies" })).toContainText("POST");
  expect(external).toEqual([]);
});
