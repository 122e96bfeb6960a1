/**
 * The dashboard's figures, computed by the server in SQL over every row in the
 * caller's scope (`dashboard.summary`): never added up in the browser. Live
 * events invalidate it (live/live-events.tsx), so it follows the floor.
 */
import { formatMinorString, formatMoney } from '../../lib/format';
import { type RouterOutputs, trpc } from '../../trpc';

export type Summary = RouterOutputs['dashboard']['summary'];

/** The figures of every warehouse in scope, or of one (`warehouseId`). */
export function useSummary(warehouseId?: string, enabled = true) {
  return trpc.dashboard.summary.useQuery(warehouseId ? { warehouseId } : {}, { enabled, staleTime: 15_000 });
}

/** Stock value per currency (the server's exact sums), joined: "$1,234.00 + €56.00". */
export function stockValue(summary: Summary | undefined): string | null {
  if (!summary) return null;
  const parts = Object.entries(summary.stockValueMinor).map(([currency, minor]) =>
    formatMinorString(minor, currency),
  );
  return parts.length > 0 ? parts.join(' + ') : formatMoney(0, 'USD');
}
