// Every marketplace sandbox in one place, plus startSandboxes() for the demo app and `pnpm sandbox`.
import { startOzonSandbox, type OzonSandbox } from "../ozon/sandbox/index";
import { startWildberriesSandbox, type WildberriesSandbox } from "../wildberries/sandbox/index";
import { startYandexMarketSandbox, type YandexMarketSandbox } from "../yandex-market/sandbox/index";
import type { Channel } from "../core/types";

export * from "./kit";
export * from "./media";
export * from "../wildberries/sandbox/index";
export * from "../ozon/sandbox/index";
export * from "../yandex-market/sandbox/index";

export interface StartSandboxesOptions {
  seed?: number;
  /** Items per channel. Default 40. */
  size?: number;
  host?: string;
  /** First port; the sandboxes take port, port+1, … (WB feedbacks, WB chat, Ozon, Yandex Market). 0/undefined = random ports. */
  port?: number;
}

/** What a demo account needs to point one connector at a sandbox. */
export interface SandboxEndpoint {
  marketplace: string;
  channel: Channel;
  baseUrl: string;
  credentials: Record<string, unknown>;
}

export interface RunningSandboxes {
  wildberries: WildberriesSandbox;
  ozon: OzonSandbox;
  yandexMarket: YandexMarketSandbox;
  /** One entry per connector: getConnector(e.marketplace, e.channel, e.credentials, { baseUrl: e.baseUrl }). */
  endpoints: SandboxEndpoint[];
  close(): Promise<void>;
}

export async function startSandboxes(opts: StartSandboxesOptions = {}): Promise<RunningSandboxes> {
  const seed = opts.seed ?? 42;
  const size = opts.size ?? 40;
  const host = opts.host ?? "127.0.0.1";
  const at = (offset: number) => (opts.port ? opts.port + offset : undefined);
  const wildberries = await startWildberriesSandbox({ seed, size, host, feedbacksPort: at(0), chatPort: at(1) });
  const ozon = await startOzonSandbox({ seed, host, port: at(2), size: { chats: size, reviews: size, questions: size } });
  const yandexMarket = await startYandexMarketSandbox({ seed, host, port: at(3), chats: size, feedbacks: size, questions: size });
  // A long-lived personal token with both WB categories, valid for 180 days like a real one.
  const wbCredentials = { apiToken: wildberries.issueToken({ type: "personal", categories: ["feedbacks", "chat"] }) };
  const ozonCredentials = { ...ozon.credentials };
  const ymCredentials = { ...yandexMarket.credentials };
  const endpoints: SandboxEndpoint[] = [
    { marketplace: "wildberries", channel: "review", baseUrl: wildberries.feedbacksUrl, credentials: wbCredentials },
    { marketplace: "wildberries", channel: "question", baseUrl: wildberries.feedbacksUrl, credentials: wbCredentials },
    { marketplace: "wildberries", channel: "chat", baseUrl: wildberries.chatUrl, credentials: wbCredentials },
    { marketplace: "ozon", channel: "review", baseUrl: ozon.url, credentials: ozonCredentials },
    { marketplace: "ozon", channel: "question", baseUrl: ozon.url, credentials: ozonCredentials },
    { marketplace: "ozon", channel: "chat", baseUrl: ozon.url, credentials: ozonCredentials },
    { marketplace: "yandex-market", channel: "review", baseUrl: yandexMarket.url, credentials: ymCredentials },
    { marketplace: "yandex-market", channel: "question", baseUrl: yandexMarket.url, credentials: ymCredentials },
    { marketplace: "yandex-market", channel: "chat", baseUrl: yandexMarket.url, credentials: ymCredentials },
  ];
  return {
    wildberries,
    ozon,
    yandexMarket,
    endpoints,
    close: async () => {
      await Promise.all([wildberries.close(), ozon.close(), yandexMarket.close()]);
    },
  };
}
