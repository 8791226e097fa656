// Demo data for a first `npm start`: one user in two sellers, each with a Wildberries and an Ozon
// account and a realistic inbox in Russian. Deterministic, and only written to an empty database.
import { encryptSecret, type Channel, type Marketplace, type PrismaClient } from "@inbox/db";
import { hashPassword } from "../auth/password";

export const DEMO_USER = { email: "demo@inbox.local", password: "demo-inbox-2026", name: "Мария Демидова" } as const;

interface DemoProduct {
  id: string;
  name: string;
  article: string;
}

interface DemoSeller {
  name: string;
  products: DemoProduct[];
}

const SELLERS: DemoSeller[] = [
  {
    name: "Домашний уют (ИП Смирнова)",
    products: [
      { id: "146032871", name: "Плед флисовый 150×200, графит", article: "PLED-150-GR" },
      { id: "152284410", name: "Комплект постельного белья «Евро», сатин", article: "KPB-EURO-SAT" },
      { id: "160004719", name: "Подушка анатомическая с эффектом памяти", article: "POD-MEMO-60" },
      { id: "171553208", name: "Полотенце махровое 70×140, молочное", article: "POL-70-MLK" },
    ],
  },
  {
    name: "Вектор Спорт (ООО)",
    products: [
      { id: "201775341", name: "Кроссовки беговые мужские «Темп»", article: "KR-TEMP-42" },
      { id: "203118506", name: "Коврик для йоги 6 мм, оливковый", article: "YOGA-6-OLV" },
      { id: "208840027", name: "Гантели разборные 2×10 кг", article: "GANT-2X10" },
      { id: "210390412", name: "Бутылка для воды 750 мл с фильтром", article: "BTL-750-F" },
    ],
  },
];

const AUTHORS = ["Анна", "Игорь", "Екатерина", "Дмитрий", "Ольга", "Сергей", "Наталья", "Алексей", "Юлия", "Павел", "Светлана", "Артём"];

const REVIEWS: Array<{ rating: number; text: string; pros?: string; cons?: string; answer?: string }> = [
  {
    rating: 5,
    text: "Всё отлично, пришло быстро, упаковано аккуратно. Качество даже лучше, чем на фото.",
    pros: "Мягкий, приятный на ощупь",
    cons: "Нет",
    answer: "Спасибо за тёплый отзыв! Рады, что покупка понравилась.",
  },
  {
    rating: 4,
    text: "Хороший товар за свои деньги. Цвет немного темнее, чем на карточке.",
    pros: "Цена, качество швов",
    cons: "Оттенок отличается",
  },
  { rating: 2, text: "После первой стирки появились катышки. Ожидала большего.", pros: "Быстрая доставка", cons: "Качество материала" },
  { rating: 1, text: "Пришёл не тот размер, а в пункте выдачи не приняли возврат. Очень расстроена.", cons: "Пересорт" },
  {
    rating: 5,
    text: "Беру уже второй раз, всё как всегда на высоте. Рекомендую!",
    pros: "Стабильное качество",
    answer: "Благодарим за доверие! Ждём вас снова.",
  },
  { rating: 3, text: "Нормально, но запах от упаковки держался пару дней.", pros: "Размер соответствует", cons: "Запах" },
  { rating: 5, text: "Подарила маме — она в восторге. Спасибо продавцу!", pros: "Красиво выглядит" },
  { rating: 4, text: "В целом доволен, но доставка задержалась на три дня.", pros: "Товар без дефектов", cons: "Сроки доставки" },
];

const QUESTIONS: Array<{ text: string; answer?: string }> = [
  { text: "Подскажите, какой состав ткани? Есть ли синтетика?", answer: "Здравствуйте! Состав: 100% хлопок, синтетики нет." },
  { text: "Будет ли поставка в другом цвете в ближайшее время?" },
  { text: "Можно ли стирать в машинке при 60 градусах?" },
  { text: "Какие размеры у упаковки? Хочу отправить в подарок." },
];

const CHATS: Array<Array<{ direction: "IN" | "OUT"; text: string }>> = [
  [
    { direction: "IN", text: "Здравствуйте! Заказ оформила неделю назад, а он всё ещё не отправлен. Подскажите, что случилось?" },
    { direction: "OUT", text: "Добрый день! Приносим извинения: задержка на складе, заказ отправим сегодня до 18:00." },
    { direction: "IN", text: "Спасибо, буду ждать трек-номер." },
  ],
  [{ direction: "IN", text: "Добрый вечер. Товар пришёл с повреждённой упаковкой, внутри всё цело. Это нормально?" }],
  [
    { direction: "IN", text: "Здравствуйте, можно ли поменять размер, если бирки не срезаны?" },
    { direction: "OUT", text: "Здравствуйте! Да, оформите возврат в приложении и закажите нужный размер." },
  ],
];

/** A small deterministic generator so every fresh database gets the same demo inbox. */
function sequence(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function seedDemoData(prisma: PrismaClient, options: { now?: Date } = {}): Promise<{ created: boolean }> {
  if ((await prisma.user.count()) > 0) return { created: false };
  const now = options.now ?? new Date();
  const random = sequence(20261126);
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

  const user = await prisma.user.create({
    data: { email: DEMO_USER.email, name: DEMO_USER.name, passwordHash: await hashPassword(DEMO_USER.password) },
  });

  for (const [sellerIndex, demo] of SELLERS.entries()) {
    const seller = await prisma.seller.create({
      data: { name: demo.name, memberships: { create: { userId: user.id, role: "OWNER" } } },
    });
    const accounts: Array<{ marketplace: Marketplace; displayName: string; credentials: object }> = [
      { marketplace: "WILDBERRIES", displayName: "Wildberries — основной кабинет", credentials: { apiToken: `demo-wb-${sellerIndex}` } },
      {
        marketplace: "OZON",
        displayName: "Ozon — FBS",
        credentials: { clientId: `10${sellerIndex}457`, apiKey: `demo-ozon-${sellerIndex}` },
      },
    ];
    for (const [accountIndex, spec] of accounts.entries()) {
      const account = await prisma.marketplaceAccount.create({
        data: {
          sellerId: seller.id,
          marketplace: spec.marketplace,
          displayName: spec.displayName,
          credentialsEncrypted: encryptSecret(JSON.stringify(spec.credentials)),
        },
      });
      const prefix = `${spec.marketplace === "WILDBERRIES" ? "wb" : "oz"}${sellerIndex}`;
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      const base = {
        sellerId: seller.id,
        accountId: account.id,
        marketplace: spec.marketplace,
      };
      const offset = accountIndex * 5 + sellerIndex * 3;

      for (const [index, review] of REVIEWS.entries()) {
        const product = demo.products[(index + accountIndex) % demo.products.length]!;
        const created = hoursAgo(offset + index * 9 + random() * 4);
        await prisma.item.create({
          data: {
            ...base,
            channel: "REVIEW" satisfies Channel,
            externalId: `${prefix}-review-${index + 1}`,
            text: review.text,
            pros: review.pros ?? null,
            cons: review.cons ?? null,
            rating: review.rating,
            authorName: pick(AUTHORS),
            productExternalId: product.id,
            productName: product.name,
            productArticle: product.article,
            upstreamCreatedAt: created,
            lastActivityAt: created,
            answered: Boolean(review.answer),
            answerText: review.answer ?? null,
            answerState: review.answer ? "wbRu" : null,
            read: Boolean(review.answer) || index % 3 === 0,
          },
        });
      }

      for (const [index, question] of QUESTIONS.entries()) {
        const product = demo.products[(index + 1) % demo.products.length]!;
        const created = hoursAgo(offset + 2 + index * 13 + random() * 3);
        await prisma.item.create({
          data: {
            ...base,
            channel: "QUESTION",
            externalId: `${prefix}-question-${index + 1}`,
            text: question.text,
            authorName: pick(AUTHORS),
            productExternalId: product.id,
            productName: product.name,
            productArticle: product.article,
            upstreamCreatedAt: created,
            lastActivityAt: created,
            answered: Boolean(question.answer),
            answerText: question.answer ?? null,
            read: Boolean(question.answer),
          },
        });
      }

      for (const [index, thread] of CHATS.entries()) {
        const product = demo.products[index % demo.products.length]!;
        const started = hoursAgo(offset + 1 + index * 17);
        const messages = thread.map((message, position) => ({
          externalId: `${prefix}-chat-${index + 1}-m${position + 1}`,
          direction: message.direction,
          text: message.text,
          authorName: message.direction === "IN" ? AUTHORS[(index + sellerIndex) % AUTHORS.length]! : "Продавец",
          sentAt: new Date(started.getTime() + position * 35 * 60_000),
        }));
        const last = messages.at(-1)!;
        await prisma.item.create({
          data: {
            ...base,
            channel: "CHAT",
            externalId: `${prefix}-chat-${index + 1}`,
            text: messages[0]!.text,
            authorName: messages[0]!.authorName,
            productExternalId: product.id,
            productName: product.name,
            productArticle: product.article,
            upstreamCreatedAt: started,
            lastActivityAt: last.sentAt,
            answered: last.direction === "OUT",
            read: last.direction === "OUT",
            messages: { create: messages },
          },
        });
      }
    }
  }
  return { created: true };
}
