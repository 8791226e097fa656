// Read-path scenarios of the triage inbox (docs/inbox-api.md): the all-sellers inbox, Russian search
// and the counts beside the filters, over HTTP against the served app next to the same SQL replayed
// with `pg`. Hooked into read-path.ts with one line; the statements are captured from the services
// (Prisma query events), as read-path.ts does for inbox.list.
import { PrismaClient } from "@inbox/db";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { countInbox } from "../src/services/inbox-counts";
import type { InboxFilter } from "../src/services/inbox-filter";
import { listInboxPage, type InboxSeller } from "../src/services/inbox-list";
import { signIn } from "./http-client";
import { latency, throughputInTurns } from "./load";
import type { QueryFigures } from "./read-path";
import { capturePage, replayer, type CapturedStatement } from "./replay";
import type { BenchUser, SeedPlan } from "./seed";
import { NothingMeasuredError } from "./sync";

const HIGH_CONCURRENCY = 16;

export interface TriageScenarioOptions {
  baseUrl: string;
  /** The app server's primary: its processes' CPU per call is reported. */
  appPid: number;
  user: BenchUser;
  databaseUrl: string;
  replayPool: pg.Pool;
  plan: SeedPlan;
  log: (line: string) => void;
  /** The seeded sellers, largest first. */
  sellerIds: string[];
}

type Filter = Partial<InboxFilter>;
interface Scenario {
  name: string;
  procedure: "inbox.listAll" | "inbox.list" | "inbox.countsAll";
  input: Filter & { sellerId?: string; limit?: number };
}

export async function benchTriageQueries(options: TriageScenarioOptions): Promise<QueryFigures[]> {
  const { log, plan } = options;
  const { trpc, trpcAnswered } = await signIn(options.baseUrl, options.user);
  const sellers = await trpc<Array<{ id: string; name: string }>>("seller.list");
  const largest = options.sellerIds[0]!;
  const scenarios: Scenario[] = [
    { name: "inbox.listAll first page (all sellers)", procedure: "inbox.listAll", input: { limit: 30 } },
    {
      name: "inbox.listAll filtered: unanswered unread reviews rated 1–2",
      procedure: "inbox.listAll",
      input: { limit: 30, status: "unanswered", unread: true, channels: ["review"], ratings: [1, 2] },
    },
    { name: "inbox.listAll Russian search «доставку»", procedure: "inbox.listAll", input: { limit: 30, q: "доставку" } },
    {
      name: "inbox.list (largest seller) search «размер», unanswered",
      procedure: "inbox.list",
      input: { sellerId: largest, limit: 30, q: "размер", status: "unanswered" },
    },
    { name: "inbox.countsAll (counts beside the filters)", procedure: "inbox.countsAll", input: { status: "unanswered" } },
    { name: "inbox.countsAll with search words (bounded)", procedure: "inbox.countsAll", input: { q: "доставку" } },
    // Words with a condition the counters cannot check for them: the marketplace's items are walked,
    // or read from the search index by both keys.
    {
      name: "inbox.countsAll with search words on one marketplace",
      procedure: "inbox.countsAll",
      input: { q: "доставку", marketplaces: ["ozon"] },
    },
  ];
  const capture = capturingClient(options.databaseUrl);
  const figures: QueryFigures[] = [];
  try {
    for (const scenario of scenarios) {
      log(`read: ${scenario.name}`);
      const scope: InboxSeller[] = scenario.procedure === "inbox.list" ? sellers.filter((seller) => seller.id === largest) : sellers;
      const capturing = () => capture.statements(scenario, scope);
      const statements = scenario.procedure === "inbox.countsAll" ? await capturing() : await capturePage(capturing, scenario.name);
      const replay = replayer(options.replayPool, statements, scenario.procedure === "inbox.countsAll" ? "one-by-one" : "together");
      const callHttp = async () => {
        const result = await trpc<{ items?: unknown[]; total?: { count: number } }>(scenario.procedure, scenario.input);
        if ((result.items && result.items.length === 0) || (result.total && result.total.count === 0)) {
          throw new NothingMeasuredError(`${scenario.name} returned nothing`);
        }
      };
      const httpC1 = await latency(callHttp, plan.read.samplesC1);
      const sqlC1 = await latency(replay, plan.read.samplesC1);
      const [httpC16, sqlC16] = await throughputInTurns(
        { call: () => trpcAnswered(scenario.procedure, scenario.input), cpuOf: options.appPid },
        { call: replay, cpuOf: "self" },
        HIGH_CONCURRENCY,
        plan.read.secondsC16,
      );
      figures.push({
        name: scenario.name,
        statements: statements.length,
        http: { c1: httpC1, c16: httpC16 },
        sql: { c1: sqlC1, c16: sqlC16 },
      });
    }
  } finally {
    await capture.close();
  }
  return figures;
}

/** A Prisma client that records the SQL (with parameters) each service call sends. */
function capturingClient(databaseUrl: string) {
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }),
    log: [{ emit: "event", level: "query" }],
  });
  let recorded: CapturedStatement[] = [];
  client.$on("query", (event) => recorded.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] }));
  return {
    async statements(scenario: Scenario, sellers: InboxSeller[]) {
      recorded = [];
      const { sellerId: _sellerId, limit, ...filter } = scenario.input;
      if (scenario.procedure === "inbox.countsAll") await countInbox(client, sellers, filter);
      else await listInboxPage(client, sellers, filter, { limit: limit ?? 30 });
      const statements = recorded.filter((statement) => !/^(BEGIN|COMMIT|DEALLOCATE)/i.test(statement.sql));
      if (statements.length === 0) throw new NothingMeasuredError(`no SQL was captured for ${scenario.name}`);
      return statements;
    },
    close: () => client.$disconnect(),
  };
}
