// HTTP imitation of feedbacks-api.wildberries.ru and buyer-chat-api.wildberries.ru: same paths,
// query validation, status codes, error bodies, rate-limit headers and token checks as the
// reference (shared/reference/marketplace-apis.md §1).
import { randomUUID } from "node:crypto";
import {
  FaultInjector,
  RequestStats,
  ServerRateLimiter,
  parseJsonBody,
  parseMultipart,
  rateLimitHeaders,
  startHttpServer,
  type SandboxHandler,
  type SandboxRequest,
  type SandboxResponse,
  type ServerBucketConfig,
} from "../../sandbox/kit";
import { sandboxMediaLink, type SandboxMediaOptions } from "../../sandbox/media";
import { buildPayload, signWbToken, verifyWbToken, type IssueTokenOptions, type WbCategory, type WbTokenType } from "./tokens";
import { WildberriesWorld, type SandboxChatFile, type SandboxFeedback, type SandboxQuestion, type WildberriesWorldOptions } from "./state";

export interface WildberriesSandboxOptions extends WildberriesWorldOptions, SandboxMediaOptions {
  host?: string;
  feedbacksPort?: number;
  chatPort?: number;
  /** >1 speeds up the server-side rate-limit clock (tests); headers are in real seconds. */
  timeScale?: number;
  /** false disables server-side rate limiting. */
  rateLimits?: boolean;
  /** Events per /seller/events page. Default 100. */
  eventsPageSize?: number;
  /**
   * The spec does not say whether the lists' `dateFrom` second is included: by default it is
   * (`createdDate >= dateFrom`); true makes it exclusive, so tests prove paging under both readings.
   */
  dateFromExclusive?: boolean;
  sellerId?: string;
  /** Signs issued tokens. Default derives from the seed, so demo tokens survive restarts. */
  tokenSecret?: string;
  /**
   * Which feedbacks host this imitates: production (feedbacks-api, rejects test tokens) or WB's
   * sandbox (feedbacks-api-sandbox, accepts only test tokens). The chat host has no sandbox: it
   * always rejects test tokens.
   */
  feedbacksEnvironment?: "production" | "sandbox";
  /** The X-Client-Secret of a registered service: a base token sent with it gets the full limits. */
  serviceSecret?: string;
}

type Group = "feedbacks" | "chat";
const HOUR = 3600_000;
/** Per seller account and token type (reference §1.1 "Rate limits for communication methods"). */
export const WB_SERVER_LIMITS: Record<Group, Record<"full" | "base", ServerBucketConfig>> = {
  feedbacks: { full: { limit: 3, periodMs: 1000, burst: 6 }, base: { limit: 5, periodMs: HOUR, burst: 1 } },
  chat: { full: { limit: 10, periodMs: 10_000, burst: 10 }, base: { limit: 1, periodMs: HOUR, burst: 1 } },
};

const ORIGIN: Record<Group, string> = { feedbacks: "s2s-api-auth-feedbacks", chat: "s2s-api-auth-chat" };
const rid = () => randomUUID();

/** Feedbacks host error envelope. */
const fbError = (status: number, errorText: string): SandboxResponse => ({
  status,
  json: { data: null, error: true, errorText, additionalErrors: null, requestId: rid() },
});
/** Chat host error body; `seller/message` sends it as problem+json, the other routes as JSON. */
const chatError = (status: number, title: string, detail: string, contentType = "application/json"): SandboxResponse => ({
  status,
  headers: { "content-type": contentType },
  body: JSON.stringify({ status, title, origin: "proxy-chats", detail, requestId: rid(), error: detail }),
});
/** Spec `standardizedFQError`: the 400 of `feedbacks/answer`. */
const fqError = (title: string, detail: string): SandboxResponse => ({
  status: 400,
  json: { title, detail, origin: "fb-api", requestId: rid() },
});
const problem = (
  status: number,
  title: string,
  detail: string,
  origin: string,
  headers: Record<string, string | number> = {},
): SandboxResponse => ({
  status,
  headers: { "content-type": "application/problem+json", ...headers },
  body: JSON.stringify({
    title,
    detail,
    code: `${randomUUID().slice(0, 8)}; ${status === 429 ? "too many requests" : "unauthorized"}`,
    requestId: rid(),
    origin,
    status,
    statusText: status === 429 ? "Too Many Requests" : "Unauthorized",
    timestamp: new Date().toISOString(),
  }),
});
const okFull = (data: unknown): SandboxResponse => ({ status: 200, json: { data, error: false, errorText: "", additionalErrors: null } });

export interface WildberriesSandboxCore {
  world: WildberriesWorld;
  issueToken(opts?: IssueTokenOptions): string;
  faults: Record<Group, FaultInjector>;
  stats: Record<Group, RequestStats>;
  limiter: ServerRateLimiter;
  handlers: Record<Group, SandboxHandler>;
  /** Field name per list whose values the sandbox sends with a wrong type (schema-drift tests). */
  drift: { feedbacks?: string; questions?: string; chats?: string; events?: string };
  /** 429 responses sent per host (real and injected). */
  count429(group?: Group): number;
  /**
   * Sparse mode: every response field the spec leaves optional is omitted and every nullable one is
   * null, except the identity and paging keys a record cannot do without (ids, createdDate,
   * addTimestamp, sender, next, totalEvents). The spec marks no response field required.
   */
  mode: { sparse: boolean };
  /** The registered X-Client-Secret (see WildberriesSandboxOptions.serviceSecret). */
  serviceSecret: string;
}

/** Builds the sandbox (state + handlers) without listening; see startWildberriesSandbox. */
export function createWildberriesSandbox(opts: WildberriesSandboxOptions = {}): WildberriesSandboxCore {
  const world = new WildberriesWorld(opts);
  const secret = opts.tokenSecret ?? `wb-sandbox-secret-${opts.seed ?? 1}`;
  const sellerId = opts.sellerId ?? world.random.uuid();
  const timeScale = opts.timeScale ?? 1;
  const media = (cdnUrl: string) => sandboxMediaLink(cdnUrl, opts.mediaBaseUrl);
  const limiter = new ServerRateLimiter(timeScale, world.now);
  const stats = { feedbacks: new RequestStats(), chat: new RequestStats() };
  const drift: WildberriesSandboxCore["drift"] = {};
  const mode = { sparse: false };
  const serviceSecret = opts.serviceSecret ?? `wb-sandbox-service-secret-${opts.seed ?? 1}`;
  const feedbacksEnvironment = opts.feedbacksEnvironment ?? "production";
  let tokenCounter = 0;

  const tooMany = (group: Group, retryAfterSec: number, resetSec: number, limit: number) =>
    problem(
      429,
      "too many requests",
      `Limited by c${limit}; please retry later`,
      ORIGIN[group],
      rateLimitHeaders("wildberries", { allowed: false, remaining: 0, retryAfterSec, resetSec, limit }),
    );
  /** Feedbacks-host success envelope; sparse: only `data`, `additionalErrors` (nullable) null. */
  const ok = (data: unknown): SandboxResponse => (mode.sparse ? { status: 200, json: { data, additionalErrors: null } } : okFull(data));
  const faultFor = (group: Group) =>
    new FaultInjector(
      {
        tooManyRequests: () => tooMany(group, 1 / timeScale, 2 / timeScale, WB_SERVER_LIMITS[group].full.burst),
        serverError: () =>
          group === "chat" ? chatError(500, "Internal Server Error", "internal error") : fbError(500, "Internal Server Error"),
      },
      opts.seed ?? 1,
    );
  const faults = { feedbacks: faultFor("feedbacks"), chat: faultFor("chat") };

  /** Token check, then the per-seller token bucket. Returns an early response or the headers to add. */
  function gate(req: SandboxRequest, group: Group, category: WbCategory): SandboxResponse | { headers: Record<string, string | number> } {
    const write = req.method !== "GET";
    const auth = req.headers.authorization;
    const check = verifyWbToken(secret, Array.isArray(auth) ? auth[0] : auth, category, write, world.now());
    if (!check.ok) return problem(401, "unauthorized", check.detail, ORIGIN[group]);
    const sandboxHost = group === "feedbacks" && feedbacksEnvironment === "sandbox";
    if (check.type === "test" && !sandboxHost) {
      return problem(401, "unauthorized", "token problem; test token is valid only in the sandbox", ORIGIN[group]);
    }
    if (check.type !== "test" && sandboxHost) {
      return problem(401, "unauthorized", "token problem; only test tokens are valid in the sandbox", ORIGIN[group]);
    }
    if (opts.rateLimits === false) return { headers: {} };
    const clientSecret = req.headers["x-client-secret"];
    const withSecret = (Array.isArray(clientSecret) ? clientSecret[0] : clientSecret) === serviceSecret;
    const kind = check.type === "base" && !withSecret ? "base" : "full";
    const cfg = WB_SERVER_LIMITS[group][kind];
    const r = limiter.check(`${check.payload.sid}:${group}:${kind}`, cfg);
    if (!r.allowed) return tooMany(group, r.retryAfterSec, r.resetSec, r.limit);
    return { headers: rateLimitHeaders("wildberries", r) };
  }

  const corrupt = (obj: Record<string, unknown>, field: string | undefined) => {
    if (field && field in obj) obj[field] = typeof obj[field] === "number" ? "drift" : 12345;
    return obj;
  };

  const createdDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const feedbackJson = (fb: SandboxFeedback) =>
    mode.sparse
      ? // Spec responseFeedback: answer, photoLinks, video, bables, parent/child ids and returnProductOrdersDate are nullable.
        {
          id: fb.id,
          createdDate: createdDate(fb.createdMs),
          answer: null,
          photoLinks: null,
          video: null,
          bables: null,
          parentFeedbackId: null,
          childFeedbackId: null,
          returnProductOrdersDate: null,
        }
      : corrupt(
          {
            id: fb.id,
            text: fb.text,
            pros: fb.pros,
            cons: fb.cons,
            productValuation: fb.productValuation,
            createdDate: createdDate(fb.createdMs),
            state: fb.answer ? "wbRu" : "none",
            answer: fb.answer ? { text: fb.answer.text, state: world.answerState(fb.answer), editable: !fb.answer.edited } : null,
            productDetails: {
              nmId: fb.nmId,
              imtId: Math.floor(fb.nmId / 3),
              productName: fb.productName,
              supplierArticle: fb.supplierArticle,
              supplierName: "ИП Песочница",
              brandName: fb.brandName,
              size: "0",
            },
            photoLinks: fb.hasPhotos
              ? [
                  {
                    fullSize: media(`https://feedback04.wbbasket.ru/vol${fb.seq}/photos/fs.webp`),
                    miniSize: media(`https://feedback04.wbbasket.ru/vol${fb.seq}/photos/ms.webp`),
                  },
                ]
              : null,
            video: fb.hasVideo
              ? {
                  previewImage: media(`https://videofeedback01.wbbasket.ru/${fb.id}/preview.webp`),
                  link: media(`https://videofeedback01.wbbasket.ru/${fb.id}/index.m3u8`),
                  durationSec: 12,
                }
              : null,
            wasViewed: fb.wasViewed,
            userName: fb.userName,
            orderStatus: fb.orderStatus ?? "buyout",
            matchingSize: "ok",
            isAbleSupplierFeedbackValuation: false,
            supplierFeedbackValuation: 0,
            isAbleSupplierProductValuation: false,
            supplierProductValuation: 0,
            isAbleReturnProductOrders: false,
            returnProductOrdersDate: null,
            bables: [],
            lastOrderShkId: 0,
            lastOrderCreatedAt: new Date(fb.createdMs - 5 * 24 * HOUR).toISOString(),
            color: "черный",
            subjectId: 105,
            subjectName: fb.productName.split(" ")[0],
            parentFeedbackId: null,
            childFeedbackId: null,
          },
          drift.feedbacks,
        );

  const questionJson = (q: SandboxQuestion) =>
    mode.sparse
      ? { id: q.id, createdDate: new Date(q.createdMs).toISOString(), answer: null }
      : corrupt(
          {
            id: q.id,
            text: q.text,
            createdDate: new Date(q.createdMs).toISOString(),
            state: q.rejected ? "none" : q.answer && world.answerState(q.answer) === "wbRu" ? "wbRu" : "suppliersPortalSynch",
            answer: q.answer
              ? { text: q.answer.text, editable: !q.answer.edited, createDate: new Date(q.answer.answeredAt).toISOString() }
              : null,
            productDetails: {
              nmId: q.nmId,
              imtId: Math.floor(q.nmId / 3),
              productName: q.productName,
              supplierArticle: q.supplierArticle,
              supplierName: "ИП Песочница",
              brandName: q.brandName,
            },
            wasViewed: q.wasViewed,
            isWarned: false,
          },
          drift.questions,
        );

  /** Shared query validation of the list endpoints; returns the parsed values or an error response. */
  function listQuery(req: SandboxRequest, maxTake: number, maxSkip: number, sumCap?: number) {
    const q = req.query;
    const isAnswered = q.get("isAnswered");
    if (isAnswered !== "true" && isAnswered !== "false") return fbError(400, 'Invalid value for "isAnswered": required boolean');
    const take = q.get("take");
    const skip = q.get("skip");
    if (take === null || !/^\d+$/.test(take)) return fbError(400, 'Invalid value for "take": required integer');
    if (skip === null || !/^\d+$/.test(skip)) return fbError(400, 'Invalid value for "skip": required integer');
    const t = Number(take);
    const s = Number(skip);
    if (t < 1 || t > maxTake) return fbError(400, `Invalid value for "take": must be from 1 to ${maxTake}`);
    if (s > maxSkip) return fbError(400, `Invalid value for "skip": must be at most ${maxSkip}`);
    if (sumCap !== undefined && t + s > sumCap) return fbError(400, `The sum of "take" and "skip" must not exceed ${sumCap}`);
    const order = q.get("order") ?? "dateDesc";
    if (order !== "dateAsc" && order !== "dateDesc") return fbError(400, 'Invalid value for "order"');
    const num = (name: string) => {
      const v = q.get(name);
      if (v === null || v === "") return undefined;
      return /^\d+$/.test(v) ? Number(v) : NaN;
    };
    const dateFrom = num("dateFrom");
    const dateTo = num("dateTo");
    const nmId = num("nmId");
    for (const [name, v] of [
      ["dateFrom", dateFrom],
      ["dateTo", dateTo],
      ["nmId", nmId],
    ] as const) {
      if (Number.isNaN(v)) return fbError(400, `Invalid value for "${name}"`);
    }
    return { isAnswered: isAnswered === "true", take: t, skip: s, order, dateFrom, dateTo, nmId };
  }

  function window<T extends { createdMs: number; nmId: number }>(
    all: T[],
    p: { take: number; skip: number; order: string; dateFrom?: number; dateTo?: number; nmId?: number },
  ) {
    let list = all.filter(
      (i) =>
        (p.dateFrom === undefined ||
          (opts.dateFromExclusive ? i.createdMs >= (p.dateFrom + 1) * 1000 : i.createdMs >= p.dateFrom * 1000)) &&
        (p.dateTo === undefined || i.createdMs <= p.dateTo * 1000 + 999) &&
        (p.nmId === undefined || i.nmId === p.nmId),
    );
    if (p.order === "dateDesc") list = [...list].reverse();
    return list.slice(p.skip, p.skip + p.take);
  }

  function answerText(text: unknown): string | undefined {
    return typeof text === "string" && [...text.trim()].length >= 2 && [...text].length <= 5000 ? text : undefined;
  }

  const feedbacksHandler: SandboxHandler = (req) => {
    const { method, path } = req;
    if (path === "/ping") return { status: 200, json: { TS: new Date().toISOString(), Status: "OK" } };
    const g = gate(req, "feedbacks", "feedbacks");
    if ("status" in g) return g;
    const res = routeFeedbacks(req, method, path);
    return { ...res, headers: { ...g.headers, ...res.headers } };
  };

  function routeFeedbacks(req: SandboxRequest, method: string, path: string): SandboxResponse {
    if (method === "GET" && path === "/api/v1/feedbacks") {
      const p = listQuery(req, 5000, 199_990);
      if ("status" in p) return p;
      const list = world.feedbacks.filter((f) => world.isArchived(f) === p.isAnswered);
      const feedbacks = window(list, p).map(feedbackJson);
      return ok(
        mode.sparse
          ? { feedbacks }
          : {
              countUnanswered: world.feedbacks.filter((f) => !world.isArchived(f)).length,
              countArchive: world.feedbacks.filter((f) => world.isArchived(f)).length,
              feedbacks,
            },
      );
    }
    if (method === "GET" && path === "/api/v1/feedbacks/archive") {
      const take = Number(req.query.get("take"));
      const skip = Number(req.query.get("skip"));
      if (!req.query.get("take") || !Number.isInteger(take) || take < 1 || take > 5000) return fbError(400, 'Invalid value for "take"');
      if (req.query.get("skip") === null || !Number.isInteger(skip) || skip < 0) return fbError(400, 'Invalid value for "skip"');
      const list = world.feedbacks.filter((f) => world.isArchived(f));
      return ok({ feedbacks: window(list, { take, skip, order: req.query.get("order") ?? "dateDesc" }).map(feedbackJson) });
    }
    if (method === "GET" && path === "/api/v1/feedback") {
      const fb = world.feedbacks.find((f) => f.id === req.query.get("id"));
      return fb ? ok(feedbackJson(fb)) : fbError(422, "cannot get feedback by id");
    }
    if (method === "GET" && path === "/api/v1/feedbacks/count-unanswered") {
      const open = world.feedbacks.filter((f) => !world.isArchived(f));
      const today = new Date(world.now()).setUTCHours(0, 0, 0, 0);
      return ok({ countUnanswered: open.length, countUnansweredToday: open.filter((f) => f.createdMs >= today).length });
    }
    if (method === "GET" && (path === "/api/v1/feedbacks/count" || path === "/api/v1/questions/count")) {
      const from = Number(req.query.get("dateFrom") ?? 0) * 1000;
      const to = req.query.get("dateTo") === null ? Infinity : Number(req.query.get("dateTo")) * 1000 + 999;
      if (Number.isNaN(from) || Number.isNaN(to)) return fbError(400, 'Invalid value for "dateFrom"/"dateTo"');
      // WB's default for isAnswered on these counters is true.
      const answered = req.query.get("isAnswered") !== "false";
      const items: Array<{ createdMs: number; done: boolean }> = path.includes("feedbacks")
        ? world.feedbacks.map((f) => ({ createdMs: f.createdMs, done: world.isArchived(f) }))
        : world.questions.map((q) => ({ createdMs: q.createdMs, done: q.answer !== null || q.rejected }));
      return ok(items.filter((i) => i.done === answered && i.createdMs >= from && i.createdMs <= to).length);
    }
    if (method === "GET" && path === "/api/v1/new-feedbacks-questions") {
      return ok({ hasNewFeedbacks: world.feedbacks.some((f) => !f.wasViewed), hasNewQuestions: world.questions.some((q) => !q.wasViewed) });
    }
    if ((method === "POST" || method === "PATCH") && path === "/api/v1/feedbacks/answer") {
      if (!String(req.headers["content-type"] ?? "").includes("application/json")) {
        return {
          status: 400,
          json: { title: "invalid content type", requestId: rid(), origin: "fb-api", detail: "Content-Type must be application/json" },
        };
      }
      let body: { id?: unknown; text?: unknown };
      try {
        body = parseJsonBody(req) as typeof body;
      } catch {
        return { status: 400, json: { title: "invalid request body", requestId: rid(), origin: "fb-api", detail: "invalid JSON" } };
      }
      // This route answers 400 with the spec's standardizedFQError, not the list envelope.
      if (typeof body.id !== "string" || !body.id) return fqError("invalid request body", 'Invalid value for "id"');
      const text = answerText(body.text);
      if (text === undefined) return fqError("invalid request body", "Текст ответа должен быть от 2 до 5000 символов");
      const fb = world.feedbacks.find((f) => f.id === body.id);
      // The real API does not validate the id: 204 for unknown ids too.
      if (!fb) {
        world.answersToUnknownIds.push({ id: body.id, text });
        return { status: 204 };
      }
      if (method === "PATCH") {
        if (!fb.answer) return fqError("invalid request", "Ответ на отзыв не найден");
        if (fb.answer.edited || world.now() - fb.answer.answeredAt > 60 * 24 * HOUR)
          return fqError("invalid request", "Ответ можно отредактировать только один раз в течение 60 дней");
        fb.answer = { text, answeredAt: world.now(), edited: true };
      } else {
        fb.answer = { text, answeredAt: world.now(), edited: false };
      }
      world.recordAnswer(fb.id, text);
      return { status: 204 };
    }
    if (method === "GET" && path === "/api/v1/questions") {
      const p = listQuery(req, 10_000, 10_000, 10_000);
      if ("status" in p) return p;
      const answered = (q: SandboxQuestion) => q.answer !== null || q.rejected;
      const list = world.questions.filter((q) => answered(q) === p.isAnswered);
      const questions = window(list, p).map(questionJson);
      return ok(
        mode.sparse
          ? { questions }
          : {
              countUnanswered: world.questions.filter((q) => !answered(q)).length,
              countArchive: world.questions.filter(answered).length,
              questions,
            },
      );
    }
    if (method === "GET" && path === "/api/v1/question") {
      const q = world.questions.find((x) => x.id === req.query.get("id"));
      return q ? ok(questionJson(q)) : fbError(422, "cannot get question by id");
    }
    if (method === "GET" && path === "/api/v1/questions/count-unanswered") {
      const open = world.questions.filter((q) => q.answer === null && !q.rejected);
      const today = new Date(world.now()).setUTCHours(0, 0, 0, 0);
      return ok({ countUnanswered: open.length, countUnansweredToday: open.filter((q) => q.createdMs >= today).length });
    }
    if (method === "PATCH" && path === "/api/v1/questions") {
      let body: { id?: unknown; wasViewed?: unknown; answer?: { text?: unknown }; state?: unknown };
      try {
        body = parseJsonBody(req) as typeof body;
      } catch {
        return fbError(400, "invalid JSON body");
      }
      if (typeof body.id !== "string") return fbError(400, 'Invalid value for "id"');
      const q = world.questions.find((x) => x.id === body.id);
      if (!q) return fbError(404, "Вопрос не найден");
      if (body.wasViewed !== undefined && body.answer === undefined) {
        if (typeof body.wasViewed !== "boolean") return fbError(400, 'Invalid value for "wasViewed"');
        q.wasViewed = body.wasViewed;
        return ok(null);
      }
      const text = answerText(body.answer?.text);
      if (text === undefined) return fbError(400, "Текст ответа должен быть от 2 до 5000 символов");
      if (body.state === "none") {
        q.rejected = true;
      } else if (body.state === "wbRu") {
        if (q.answer && (q.answer.edited || world.now() - q.answer.answeredAt > 60 * 24 * HOUR)) {
          return fbError(400, "Ответ можно отредактировать только один раз в течение 60 дней");
        }
        q.answer = { text, answeredAt: world.now(), edited: q.answer !== null };
      } else return fbError(400, 'Invalid value for "state"');
      world.recordAnswer(q.id, text);
      return ok(null);
    }
    return fbError(404, "Not Found");
  }

  const chatHandler: SandboxHandler = (req) => {
    if (req.path === "/ping") return { status: 200, json: { TS: new Date().toISOString(), Status: "OK" } };
    const g = gate(req, "chat", "chat");
    if ("status" in g) return g;
    const res = routeChat(req);
    return { ...res, headers: { ...g.headers, ...res.headers } };
  };

  function routeChat(req: SandboxRequest): SandboxResponse {
    const { method, path } = req;
    if (method === "GET" && path === "/api/v1/seller/chats") {
      if (mode.sparse) return { status: 200, json: { result: [...world.chats.keys()].map((chatID) => ({ chatID })), errors: null } };
      const result = [...world.chats.values()].map((c) => {
        const last = world.lastEvent(c.chatID);
        return corrupt(
          {
            chatID: c.chatID,
            replySign: c.replySign,
            clientName: c.clientName,
            goodCard: { nmID: c.nmID, price: c.price, priceCurrency: "RUB", rid: c.chatID.slice(2, 14), size: "0" },
            lastMessage: last ? { text: last.text, addTimestamp: last.addTimestamp } : null,
          },
          drift.chats,
        );
      });
      return { status: 200, json: { result, errors: null } };
    }
    if (method === "GET" && path === "/api/v1/seller/events") {
      const raw = req.query.get("next");
      let next: number | undefined;
      if (raw !== null) {
        if (!/^\d+$/.test(raw) || Number(raw) === 0) return chatError(400, "Bad Request", 'Invalid value for "next"');
        next = Number(raw);
      }
      const pageSize = opts.eventsPageSize ?? 100;
      const after = world.events.filter((e) => next === undefined || e.addTimestamp > next);
      let page = after.slice(0, pageSize);
      // Never split events sharing one millisecond across pages: `next` is a timestamp.
      const lastTs = page[page.length - 1]?.addTimestamp;
      if (lastTs !== undefined) page = after.filter((e, i) => i < pageSize || e.addTimestamp === lastTs);
      const eventJson = (e: (typeof page)[number]) =>
        mode.sparse
          ? { chatID: e.chatID, eventID: e.eventID, addTimestamp: e.addTimestamp, sender: e.sender }
          : corrupt(
              {
                chatID: e.chatID,
                eventID: e.eventID,
                eventType: "message",
                isNewChat: e.isNewChat,
                // `attachments` is an object in the spec (not nullable): present only when there are files.
                message: { text: e.text, ...(e.files.length > 0 && { attachments: attachmentsJson(e.files) }) },
                source: e.source,
                addTimestamp: e.addTimestamp,
                addTime: new Date(e.addTimestamp).toISOString(),
                ...(e.isNewChat ? { replySign: world.chats.get(e.chatID)!.replySign } : {}),
                sender: e.sender,
                clientName: world.chats.get(e.chatID)!.clientName,
              },
              drift.events,
            );
      const events = page.map(eventJson);
      const nextValue = page.length ? page[page.length - 1]!.addTimestamp : (next ?? Math.max(1, world.now() - 1));
      // newest/oldestEventTime are date-time strings in the spec (not nullable): omitted on an empty page.
      const times =
        page.length && !mode.sparse
          ? {
              newestEventTime: new Date(page[page.length - 1]!.addTimestamp).toISOString(),
              oldestEventTime: new Date(page[0]!.addTimestamp).toISOString(),
            }
          : {};
      return { status: 200, json: { result: { next: nextValue, ...times, totalEvents: page.length, events }, errors: null } };
    }
    if (method === "POST" && path === "/api/v1/seller/message") {
      const parts = parseMultipart(req);
      // The spec's 400 of this route is application/problem+json.
      const bad = (detail: string) => chatError(400, "Bad Request", detail, "application/problem+json");
      if (!parts) return bad("Content-Type must be multipart/form-data");
      const field = (n: string) => parts.find((p) => p.name === n && p.filename === undefined)?.data.toString("utf8");
      const sign = field("replySign");
      const message = field("message");
      const files = parts.filter((p) => p.filename !== undefined);
      if (!sign || sign.length > 255) return bad("Invalid signature");
      const chat = [...world.chats.values()].find((c) => c.replySign === sign);
      if (!chat) return bad("Invalid signature");
      if ((message === undefined || message === "") && files.length === 0) return bad("Invalid message");
      if (message !== undefined && [...message].length > 1000) return bad("Invalid message: longer than 1000 characters");
      for (const f of files) {
        if (!["image/jpeg", "image/png", "application/pdf"].includes(f.contentType ?? ""))
          return bad(`unsupported mime type ${f.contentType}`);
        if (f.data.length > 5 * 1024 * 1024) return bad("attachment size exceeds 5 MiB");
      }
      if (files.reduce((sum, f) => sum + f.data.length, 0) > 30 * 1024 * 1024) return bad("total attachments size exceeds 30 MiB");
      const stored = files.map((f) => world.storeFile({ name: f.filename ?? "file", contentType: f.contentType!, data: f.data }));
      world.addChatMessage({ chatID: chat.chatID, text: message ?? "", sender: "seller", files: stored });
      const sent = world.messagesSent.get(chat.chatID) ?? [];
      sent.push(message ?? "");
      world.messagesSent.set(chat.chatID, sent);
      const addTime = world.lastEvent(chat.chatID)!.addTimestamp;
      return { status: 200, json: { result: { addTime, chatID: chat.chatID, sign: chat.replySign }, errors: [] } };
    }
    if (method === "GET" && path.startsWith("/api/v1/seller/download/")) {
      const file = world.files.get(decodeURIComponent(path.slice("/api/v1/seller/download/".length)));
      if (!file) return chatError(400, "Bad Request", "invalid fileID");
      if (file.moderation === "pending") return { status: 202, json: { moderationState: "pending", retrySeconds: 30 } };
      if (file.moderation === "failed") {
        return {
          status: 451,
          headers: { "content-type": "application/problem+json" },
          body: JSON.stringify({
            title: "moderation failed",
            detail: "the file did not pass moderation",
            origin: "proxy-chats",
            requestId: rid(),
            status: 451,
          }),
        };
      }
      return { status: 200, headers: { "content-type": file.contentType }, body: file.data };
    }
    return chatError(404, "Not Found", "route not found");
  }

  const attachmentsJson = (files: SandboxChatFile[]) => {
    const url = (f: SandboxChatFile) => `https://chat-files.wildberries.ru/${f.downloadID}`;
    return {
      images: files.filter((f) => f.contentType.startsWith("image/")).map((f) => ({ date: f.date, downloadID: f.downloadID, url: url(f) })),
      files: files.map((f) => ({
        contentType: f.contentType,
        date: f.date,
        downloadID: f.downloadID,
        name: f.name,
        size: f.data.length,
        url: url(f),
      })),
    };
  };

  return {
    world,
    mode,
    serviceSecret,
    issueToken: (o: IssueTokenOptions = {}) =>
      signWbToken(secret, buildPayload(o, { sellerId, now: world.now(), id: `tok-${++tokenCounter}` })),
    faults,
    stats,
    limiter,
    drift,
    handlers: { feedbacks: feedbacksHandler, chat: chatHandler },
    count429: (group?: Group) => (group ? stats[group].status(429) : stats.feedbacks.status(429) + stats.chat.status(429)),
  };
}

export interface WildberriesSandbox extends WildberriesSandboxCore {
  feedbacksUrl: string;
  chatUrl: string;
  /** A customer writes a new feedback / question / chat message (new chat without chatID). */
  addFeedback: WildberriesWorld["addFeedback"];
  addQuestion: WildberriesWorld["addQuestion"];
  addChatMessage: WildberriesWorld["addChatMessage"];
  close(): Promise<void>;
}

/** Starts both WB hosts on localhost. */
export async function startWildberriesSandbox(opts: WildberriesSandboxOptions = {}): Promise<WildberriesSandbox> {
  const core = createWildberriesSandbox(opts);
  const host = opts.host ?? "127.0.0.1";
  const fb = await startHttpServer(core.handlers.feedbacks, {
    host,
    port: opts.feedbacksPort,
    faults: core.faults.feedbacks,
    stats: core.stats.feedbacks,
  });
  const chat = await startHttpServer(core.handlers.chat, { host, port: opts.chatPort, faults: core.faults.chat, stats: core.stats.chat });
  const w = core.world;
  return {
    ...core,
    feedbacksUrl: fb.url,
    chatUrl: chat.url,
    addFeedback: (p) => w.addFeedback(p),
    addQuestion: (p) => w.addQuestion(p),
    addChatMessage: (o) => w.addChatMessage(o),
    close: async () => {
      await Promise.all([fb.close(), chat.close()]);
    },
  };
}

export type { WbTokenType, WbCategory, IssueTokenOptions };
