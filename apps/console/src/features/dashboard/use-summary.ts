/**
 * The dashboard's figures as the API computes them in SQL over every row
 * (`dashboard.summary`), scoped to the warehouses this person works in. Live
 * events refresh them (live/live-events.tsx, at most once a second).
 */
import { formatMoney } from '../../lib/format';
import { type RouterOutputs, trpc } from '../../trpc';

export type Summary = RouterOutputs['dashboard']['summary'];

export function useSummary(warehouseId?: string, options: { enabled?: boolean } = {}) {
  return trpc.dashboard.summary.useQuery(warehouseId ? { warehouseId } : undefined, {
    staleTime: 30_000,
    enabled: options.enabled ?? true,
  });
}

/** The value of the stock on hand, one amount per currency ("$1,200.00 + €300.00"). */
export function formatStockValue(values: Summary['stockValueMinor']): string {
  const parts = Object.entries(values).map(([currency, minor]) => formatMoney(Number(minor), currency));
  return parts.length > 0 ? parts.join(' + ') : formatMoney(0, 'USD');
}
