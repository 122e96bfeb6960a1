import { useCallback, useMemo, useState } from 'react';
import type { RouterOutputs } from '../../trpc';

export type ListedOrder = RouterOutputs['orders']['list']['items'][number];

export interface OrderSelection {
  orders: ListedOrder[];
  has: (id: string) => boolean;
  set: (orders: readonly ListedOrder[], on: boolean) => void;
  /** Keep the selected orders' data (status, version) as fresh as the lists on screen. */
  refresh: (orders: readonly ListedOrder[]) => void;
  clear: () => void;
}

/** The orders ticked on the page, across its lists (by id, with their latest data). */
export function useOrderSelection(): OrderSelection {
  const [selected, setSelected] = useState<ReadonlyMap<string, ListedOrder>>(new Map());
  const set = useCallback((orders: readonly ListedOrder[], on: boolean) => {
    setSelected((current) => {
      const next = new Map(current);
      for (const order of orders) {
        if (on) next.set(order.id, order);
        else next.delete(order.id);
      }
      return next;
    });
  }, []);
  const refresh = useCallback((orders: readonly ListedOrder[]) => {
    setSelected((current) => {
      const stale = orders.filter((o) => current.has(o.id) && current.get(o.id)?.version !== o.version);
      if (stale.length === 0) return current;
      const next = new Map(current);
      for (const order of stale) next.set(order.id, order);
      return next;
    });
  }, []);
  return useMemo(
    () => ({
      orders: [...selected.values()].sort((a, b) => a.number - b.number),
      has: (id: string) => selected.has(id),
      set,
      refresh,
      clear: () => setSelected(new Map()),
    }),
    [selected, set, refresh],
  );
}
