/**
 * Figures the dashboard and the warehouses page add up from the API's pages:
 * stock totals (from product search, which carries per-product totals and
 * prices) and order counts per status. Bounded: at most MAX_PAGES pages each,
 * and the result says when it stopped short.
 */
import { useQuery } from '@tanstack/react-query';
import { type RouterInputs, type RouterOutputs, trpc } from '../../trpc';
import { ORDER_STATUSES, type OrderStatus } from '../orders/statuses';
import { SUMMARY_KEYS } from './summary-keys';

type SearchHit = RouterOutputs['products']['search']['items'][number];

const MAX_PAGES = 20;

export interface StockTotals {
  products: number;
  onHand: number;
  reserved: number;
  available: number;
  outOfStock: number;
  /** Value of the units on hand, per currency (minor units). */
  value: Map<string, number>;
  /** Categories of the products counted, sorted. */
  categories: string[];
  /** More products than MAX_PAGES × 100: the totals cover the first ones only. */
  partial: boolean;
}

function addUp(hits: SearchHit[], partial: boolean): StockTotals {
  const totals: StockTotals = {
    products: hits.length,
    onHand: 0,
    reserved: 0,
    available: 0,
    outOfStock: 0,
    value: new Map(),
    categories: [...new Set(hits.map((h) => h.category))].sort((a, b) => a.localeCompare(b)),
    partial,
  };
  for (const hit of hits) {
    totals.onHand += hit.onHand;
    totals.reserved += hit.reserved;
    totals.available += hit.available;
    if (hit.available <= 0) totals.outOfStock += 1;
    totals.value.set(hit.currency, (totals.value.get(hit.currency) ?? 0) + hit.onHand * hit.priceMinor);
  }
  return totals;
}

type Search = (input: RouterInputs['products']['search']) => Promise<RouterOutputs['products']['search']>;

async function allHits(search: Search, warehouseId?: string) {
  const hits: SearchHit[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await search({ limit: 100, cursor, warehouseId });
    hits.push(...result.items);
    if (!result.nextCursor) return { hits, partial: false };
    cursor = result.nextCursor;
  }
  return { hits, partial: true };
}

/** Totals over every product (and the categories); with `warehouseId`, over that warehouse's stock only. */
export function useStockTotals(warehouseId?: string) {
  const utils = trpc.useUtils();
  return useQuery({
    queryKey: [...SUMMARY_KEYS.stock, warehouseId ?? 'all'],
    queryFn: async () => {
      const { hits, partial } = await allHits(
        (input) => utils.client.products.search.query(input),
        warehouseId,
      );
      return addUp(hits, partial);
    },
    staleTime: 30_000,
  });
}

interface StatusCount {
  status: OrderStatus;
  count: number;
  /** There are more than `count` (the first page was full). */
  more: boolean;
}

/** How many orders are in each status (counted from the first page of 100 of each). */
export function useOrderCounts() {
  const utils = trpc.useUtils();
  return useQuery({
    queryKey: SUMMARY_KEYS.orders,
    queryFn: async () => {
      const pages = await Promise.all(
        ORDER_STATUSES.map((status) => utils.client.orders.list.query({ status, limit: 100 })),
      );
      const counts: StatusCount[] = ORDER_STATUSES.map((status, i) => ({
        status,
        count: pages[i]?.items.length ?? 0,
        more: Boolean(pages[i]?.nextCursor),
      }));
      const attention = pages[ORDER_STATUSES.indexOf('needs_attention')]?.items ?? [];
      return { counts, attention };
    },
    staleTime: 15_000,
  });
}
