// Bulk actions' selection: the items a user picked, or "all N matching this filter", turned into item
// ids the user may act on (authorised per seller, at most SELECTION_CAP). Shared by bulk mark
// read/unread (here) and bulk template replies.
import { Prisma, type PrismaClient, type Role } from "@inbox/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { inboxFilterSchema } from "./inbox-filter";
import { constraintsOf, planRanges, rangesQuery, readCountBuckets } from "./inbox-list";
import type { SellerMembership } from "./memberships";

export const SELECTION_CAP = 1000;

const id = z.string().min(1).max(64);

export const inboxSelectionSchema = z.union([
  z.object({
    itemRefs: z
      .array(z.object({ sellerId: id, itemId: id }))
      .min(1)
      .max(SELECTION_CAP),
  }),
  z.object({ filter: inboxFilterSchema }),
]);
export type InboxSelectionInput = z.input<typeof inboxSelectionSchema>;
export type InboxSelection = z.output<typeof inboxSelectionSchema>;

export interface SelectedItem {
  sellerId: string;
  itemId: string;
}

export interface ResolvedSelection {
  /** The items to act on: picked ones in the order given, filtered ones in inbox order (newest first). */
  items: SelectedItem[];
  /** Picked items that do not exist in the seller named with them (deleted meanwhile, or a wrong pair). */
  missing: SelectedItem[];
}

const ROLE_RANK: Record<Role, number> = { VIEWER: 0, AGENT: 1, OWNER: 2 };

/**
 * Resolves `selection` for a user with `memberships`. Every seller it names must be one of the
 * user's with at least `minRole` (FORBIDDEN otherwise); a filter without sellerIds means every seller
 * where the user has that role. More than `cap` items is refused (PAYLOAD_TOO_LARGE)
 * rather than acting on part of them.
 */
export async function resolveInboxSelection(
  prisma: Pick<PrismaClient, "$queryRaw">,
  memberships: SellerMembership[],
  selection: InboxSelection,
  options: { minRole: Role; cap?: number; /** Whom a filter's `assignee: "me"` means: the caller. */ viewerId?: string },
): Promise<ResolvedSelection> {
  const cap = options.cap ?? SELECTION_CAP;
  const allowed = new Map(memberships.filter((m) => ROLE_RANK[m.role] >= ROLE_RANK[options.minRole]).map((m) => [m.id, m]));
  const refuse = () =>
    new TRPCError({ code: "FORBIDDEN", message: "The selection includes a seller you cannot change: ask an owner for agent access." });

  if ("itemRefs" in selection) {
    const refs = uniqueRefs(selection.itemRefs);
    if (refs.some((ref) => !allowed.has(ref.sellerId))) throw refuse();
    if (refs.length > cap) throw tooMany(cap);
    const found = await prisma.$queryRaw<SelectedItem[]>(Prisma.sql`
      SELECT "sellerId", "id" AS "itemId" FROM "Item"
      WHERE ("sellerId", "id") IN (SELECT * FROM unnest(${refs.map((ref) => ref.sellerId)}::text[], ${refs.map((ref) => ref.itemId)}::text[]))`);
    const present = new Set(found.map((item) => `${item.sellerId}/${item.itemId}`));
    return {
      items: refs.filter((ref) => present.has(`${ref.sellerId}/${ref.itemId}`)),
      missing: refs.filter((ref) => !present.has(`${ref.sellerId}/${ref.itemId}`)),
    };
  }

  const { sellerIds, sort: _sort, ...filter } = selection.filter;
  if (sellerIds?.some((sellerId) => !allowed.has(sellerId))) throw refuse();
  const scope = sellerIds ? [...new Set(sellerIds)] : [...allowed.keys()];
  const c = constraintsOf({ ...filter, viewerId: options.viewerId });
  const buckets = await readCountBuckets(prisma, scope, { c });
  const ranges = rangesQuery(planRanges(buckets, scope, c, cap + 1), c, {
    direction: "desc",
    after: null,
    limit: cap + 1,
    columns: Prisma.sql`"sellerId", "id", "lastActivityAt"`,
  });
  if (!ranges) return { items: [], missing: [] };
  const rows = await prisma.$queryRaw<Array<{ sellerId: string; id: string }>>(ranges);
  if (rows.length > cap) throw tooMany(cap);
  return { items: rows.map((row) => ({ sellerId: row.sellerId, itemId: row.id })), missing: [] };
}

function uniqueRefs(refs: SelectedItem[]): SelectedItem[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.sellerId}/${ref.itemId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** PAYLOAD_TOO_LARGE (413) is the code clients react to: "select fewer items". */
function tooMany(cap: number) {
  return new TRPCError({
    code: "PAYLOAD_TOO_LARGE",
    message: `More than ${cap} items match this selection: narrow the filter and act on at most ${cap} items at a time.`,
  });
}
