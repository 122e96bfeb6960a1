import { useMemo } from 'react';
import { type RouterOutputs, trpc } from '../../trpc';

export type Warehouse = RouterOutputs['warehouses']['list'][number];

/** Every warehouse, and a lookup by id. Warehouses rarely change; live events refresh them. */
export function useWarehouses() {
  const query = trpc.warehouses.list.useQuery(undefined, { staleTime: 5 * 60_000 });
  const warehouses = useMemo(
    () => [...(query.data ?? [])].sort((a, b) => a.priority - b.priority || a.code.localeCompare(b.code)),
    [query.data],
  );
  const byId = useMemo(() => new Map(warehouses.map((w) => [w.id, w])), [warehouses]);
  return { query, warehouses, byId };
}
