// The marketplaces of the demo: sandbox servers that imitate Wildberries, Ozon and Yandex Market on
// localhost. Each demo seller gets accounts of its own there, so the demo inbox arrives the way a
// real one does — through the connectors and the sync engine.
import {
  startOzonSandbox,
  startWildberriesSandbox,
  startYandexMarketSandbox,
  type OzonSandbox,
  type WildberriesSandbox,
  type YandexMarketSandbox,
} from "@inbox/connectors/sandbox";
import type { Marketplace } from "@inbox/db";
import { DEMO_MEDIA_PATH } from "./media";

export interface DemoAccountSpec {
  /** Stable id, so restarts re-point the same rows at the freshly started sandboxes. */
  id: string;
  sellerIndex: number;
  marketplace: Marketplace;
  displayName: string;
  credentials: Record<string, unknown>;
  baseUrls: Record<string, string>;
}

export interface DemoSandboxes {
  accounts: DemoAccountSpec[];
  wildberries: WildberriesSandbox[];
  ozon: OzonSandbox;
  yandexMarket: YandexMarketSandbox;
  close(): Promise<void>;
}

const OZON_DEMO_SELLERS = [
  { clientId: "100001", apiKey: "ozon-sandbox-demo-key", sellerName: "Вектор Спорт" },
  { clientId: "100003", apiKey: "ozon-sandbox-home-key", sellerName: "Домашний уют" },
];

export async function startDemoSandboxes(
  options: {
    host?: string;
    size?: number;
    /** Seeded items are dated in the weeks before this instant; keep it fixed across restarts. */
    epoch?: string;
    /** A customer writes something new this often (a live demo); off when absent. */
    customersEveryMs?: number;
  } = {},
): Promise<DemoSandboxes> {
  const host = options.host ?? "127.0.0.1";
  const size = options.size ?? 24;
  // Photos and videos link to the app's own pictures (./media.ts), not to made-up CDN paths that load nowhere.
  const mediaBaseUrl = DEMO_MEDIA_PATH;
  const wildberries = await Promise.all(
    [0, 1].map((index) =>
      startWildberriesSandbox({
        host,
        seed: 101 + index,
        feedbacks: size,
        questions: Math.ceil(size / 2),
        chats: Math.ceil(size / 3),
        mediaBaseUrl,
        ...(options.epoch ? { epoch: options.epoch } : {}),
      }),
    ),
  );
  const ozon = await startOzonSandbox({
    host,
    seed: 201,
    accounts: OZON_DEMO_SELLERS,
    size: { reviews: size, questions: Math.ceil(size / 2), chats: Math.ceil(size / 3), messagesPerChat: 4 },
    mediaBaseUrl,
    ...(options.epoch ? { epoch: options.epoch } : {}),
  });
  const yandexMarket = await startYandexMarketSandbox({
    host,
    seed: 301,
    feedbacks: size,
    questions: Math.ceil(size / 2),
    chats: Math.ceil(size / 3),
    mediaBaseUrl,
    ...(options.epoch ? { epoch: options.epoch } : {}),
  });

  const accounts: DemoAccountSpec[] = [];
  for (const [index, wb] of wildberries.entries()) {
    accounts.push({
      id: `demo-${index}-wildberries`,
      sellerIndex: index,
      marketplace: "WILDBERRIES",
      displayName: "Wildberries — основной кабинет",
      credentials: { apiToken: wb.issueToken({ type: "personal", categories: ["feedbacks", "chat"] }) },
      baseUrls: { review: wb.feedbacksUrl, question: wb.feedbacksUrl, chat: wb.chatUrl },
    });
    const seller = OZON_DEMO_SELLERS[index]!;
    accounts.push({
      id: `demo-${index}-ozon`,
      sellerIndex: index,
      marketplace: "OZON",
      displayName: "Ozon — FBS",
      credentials: { clientId: seller.clientId, apiKey: seller.apiKey },
      baseUrls: { "*": ozon.url },
    });
  }
  accounts.push({
    id: "demo-0-yandex-market",
    sellerIndex: 0,
    marketplace: "YANDEX_MARKET",
    displayName: "Яндекс Маркет",
    credentials: { ...yandexMarket.credentials },
    baseUrls: { "*": yandexMarket.url },
  });

  const stopCustomers = options.customersEveryMs ? simulateCustomers(wildberries, ozon, yandexMarket, options.customersEveryMs) : () => {};
  return {
    accounts,
    wildberries,
    ozon,
    yandexMarket,
    close: async () => {
      stopCustomers();
      await Promise.all([...wildberries.map((wb) => wb.close()), ozon.close(), yandexMarket.close()]);
    },
  };
}

/** Customers keep writing while the demo runs — reviews, questions, chat messages, in turn — so each sync brings something new. */
function simulateCustomers(wildberries: WildberriesSandbox[], ozon: OzonSandbox, yandexMarket: YandexMarketSandbox, everyMs: number) {
  let tick = 0;
  const timer = setInterval(() => {
    tick += 1;
    const seller = tick % 2;
    const wb = wildberries[seller]!;
    const { clientId } = OZON_DEMO_SELLERS[seller]!;
    switch (tick % 6) {
      case 0:
        wb.addFeedback();
        break;
      case 1:
        ozon.addReview({ clientId });
        break;
      case 2:
        wb.addQuestion();
        break;
      case 3:
        ozon.addQuestion({ clientId });
        break;
      case 4: {
        const chatIds = [...wb.world.chats.keys()];
        wb.addChatMessage({ chatID: chatIds[tick % Math.max(1, chatIds.length)], sender: "client" });
        break;
      }
      default:
        ozon.addBuyerMessage({ clientId });
        yandexMarket.addCustomerMessage();
        if (tick % 12 === 5) yandexMarket.addFeedback();
        else yandexMarket.addQuestion();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
