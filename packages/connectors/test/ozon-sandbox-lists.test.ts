// The Ozon sandbox's review and question lists over real HTTP while the account changes between
// pages, as during a sync of a live account: the last_id walk returns every item exactly once, in
// creation order, whatever is appended or marked meanwhile, and items appended at any time are found
// by id. The lists and lookups go through an index of each list that takes in appended items.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listIndex } from "../src/ozon/sandbox/model";
import { startOzonSandbox, type OzonSandbox } from "../src/ozon/sandbox/index";
import { postToOzonSandbox } from "./support/ozon-sandbox";

let sandbox: OzonSandbox;

beforeAll(async () => {
  sandbox = await startOzonSandbox({ seed: 13, size: { chats: 0, reviews: 230, questions: 170 }, rateLimit: false });
});
afterAll(() => sandbox.close());

const post = (path: string, body: unknown) => postToOzonSandbox(sandbox, path, body);

type Page = { ids: string[]; hasNext: boolean; lastId: string };

/** One page of a last_id walk: the review and question lists page alike, only path and list field differ. */
async function listPage(path: string, listField: "reviews" | "questions", body: Record<string, unknown>): Promise<Page> {
  const res = await post(path, body);
  expect(res.status).toBe(200);
  const items = res.body[listField] as Array<{ id: string }>;
  return { ids: items.map((i) => i.id), hasNext: res.body.has_next as boolean, lastId: res.body.last_id as string };
}

// The request bodies stay as each walk sent them: the review walk leaves last_id out on its first page,
// the question walk sends it empty.
const reviewPage = (lastId: string, extra: Record<string, unknown> = {}) =>
  listPage("/v2/review/list", "reviews", { limit: 20, sort_dir: "ASC", ...(lastId ? { last_id: lastId } : {}), ...extra });

const questionPage = (lastId: string) => listPage("/v1/question/list", "questions", { limit: 30, sort_dir: "ASC", last_id: lastId });

describe("ozon sandbox list walks", () => {
  it("an ascending review walk returns every review once, in creation order, while reviews are appended between pages", async () => {
    const seen: string[] = [];
    const appended: string[] = [];
    let lastId = "";
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(100);
      const page = await reviewPage(lastId);
      seen.push(...page.ids);
      if (!page.hasNext) break;
      lastId = page.lastId;
      // Two new reviews land after the cursor; one is looked up by id at once.
      for (let i = 0; i < 2; i += 1) appended.push(sandbox.addReview().id);
      const info = await post("/v2/review/info", { review_id: appended.at(-1) });
      expect(info.status).toBe(200);
      expect(info.body.id).toBe(appended.at(-1));
    }
    const all = sandbox.account().reviews;
    expect(all.length).toBe(230 + appended.length);
    expect(seen).toEqual(all.map((r) => r.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(-appended.length)).toEqual(appended);
  });

  it("a walk of NEW reviews that marks each page VIEWED returns every NEW review once", async () => {
    const expected = sandbox
      .account()
      .reviews.filter((r) => r.status === "NEW")
      .map((r) => r.id);
    const seen: string[] = [];
    let lastId = "";
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(100);
      const page = await reviewPage(lastId, { filters: { status: "NEW" } });
      seen.push(...page.ids);
      // The cursor's review is no longer NEW on the next request: it still positions the walk.
      if (page.ids.length > 0)
        expect((await post("/v2/review/change-status", { review_ids: page.ids, status: "VIEWED" })).status).toBe(200);
      if (!page.hasNext) break;
      lastId = page.lastId;
    }
    expect(seen).toEqual(expected);
    expect(sandbox.account().reviews.filter((r) => r.status === "NEW")).toEqual([]);
  });

  it("a descending review walk returns every review once, newest first", async () => {
    const seen: string[] = [];
    let lastId = "";
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(100);
      const page = await reviewPage(lastId, { sort_dir: "DESC" });
      seen.push(...page.ids);
      if (!page.hasNext) break;
      lastId = page.lastId;
    }
    expect(seen).toEqual(
      sandbox
        .account()
        .reviews.map((r) => r.id)
        .reverse(),
    );
  });

  it("an ascending question walk returns every question once while questions are appended and answered between pages", async () => {
    const seen: string[] = [];
    let lastId = "";
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(100);
      const page = await questionPage(lastId);
      seen.push(...page.ids);
      if (!page.hasNext) break;
      lastId = page.lastId;
      const question = sandbox.addQuestion();
      const answer = await post("/v1/question/answer/create", { question_id: question.id, sku: question.sku, text: "Да, подойдёт." });
      expect(answer.status).toBe(200);
    }
    expect(seen).toEqual(sandbox.account().questions.map((q) => q.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("an unknown last_id is still Ozon's validation error", async () => {
    const res = await post("/v2/review/list", { limit: 20, last_id: "no-such-review" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 3, message: expect.stringContaining("last_id") });
    expect((await post("/v2/review/info", { review_id: "no-such-review" })).status).toBe(404);
  });
});

describe("listIndex", () => {
  const item = (id: string, seq: number) => ({ id, seq });

  it("takes in appended items, placing one appended out of seq order where it belongs", () => {
    const items = [item("a", 1), item("b", 3)];
    expect(listIndex(items).ordered.map((i) => i.id)).toEqual(["a", "b"]);
    items.push(item("c", 5), item("d", 2));
    const index = listIndex(items);
    expect(index.ordered.map((i) => i.id)).toEqual(["a", "d", "b", "c"]);
    expect(index.byId.get("d")).toBe(items[3]);
    expect(listIndex(items)).toBe(index);
  });

  it("finds the first item of a repeated id, as a scan would, and indexes a shortened list afresh", () => {
    const items = [item("a", 1), item("x", 2), item("x", 3)];
    expect(listIndex(items).byId.get("x")).toBe(items[1]);
    items.splice(1, 2);
    const index = listIndex(items);
    expect(index.byId.has("x")).toBe(false);
    expect(index.ordered).toEqual([items[0]]);
  });
});
