import type { SortingState } from '@tanstack/react-table';
import { Link } from 'wouter';
import { type Column, DataTable, type Pager } from '../../components/data-table';
import { EmptyState } from '../../components/states';
import { formatNumber, formatWhen } from '../../lib/format';
import type { RouterOutputs } from '../../trpc';

type Level = RouterOutputs['inventory']['list']['items'][number];
export type StockSort = 'sku' | 'available' | 'updatedAt';

/** The columns; the three the API sorts by carry a sort key (the sort itself is the server's). */
function columns(warehouseCode: (id: string) => string): Column<Level>[] {
  return [
    {
      id: 'sku',
      header: 'SKU',
      rowHeader: true,
      sortBy: (l) => l.sku,
      cell: (l) => (
        <Link href={`/products/${encodeURIComponent(l.sku)}`}>
          <code>{l.sku}</code>
        </Link>
      ),
    },
    { id: 'warehouse', header: 'Warehouse', cell: (l) => warehouseCode(l.warehouseId) },
    { id: 'onHand', header: 'On hand', numeric: true, cell: (l) => formatNumber(l.onHand) },
    { id: 'reserved', header: 'Held', numeric: true, cell: (l) => formatNumber(l.reserved) },
    {
      id: 'available',
      header: 'Available',
      numeric: true,
      sortBy: (l) => l.available,
      cell: (l) => formatNumber(l.available),
    },
    { id: 'safetyStock', header: 'Safety stock', numeric: true, cell: (l) => formatNumber(l.safetyStock) },
    {
      id: 'updatedAt',
      header: 'Last change',
      sortBy: (l) => l.updatedAt,
      cell: (l) => formatWhen(l.updatedAt),
    },
  ];
}

export function StockListTable({
  rows,
  pending,
  pager,
  warehouseCode,
  sort,
  onSort,
}: {
  rows: Level[];
  pending: boolean;
  pager: Pager;
  warehouseCode: (id: string) => string;
  sort: StockSort;
  onSort: (sort: StockSort) => void;
}) {
  const sorting: SortingState = [{ id: sort, desc: false }];
  return (
    <DataTable
      caption="Stock levels"
      columns={columns(warehouseCode)}
      rows={rows}
      rowKey={(l) => `${l.warehouseId}:${l.sku}`}
      loading={pending}
      pager={pager}
      serverSort={{
        sorting,
        // The API sorts ascending only: a click on a column sorts by it.
        onSortingChange: (next) => {
          const id = next[0]?.id ?? sort;
          if (id === 'sku' || id === 'available' || id === 'updatedAt') onSort(id);
        },
      }}
      empty={<EmptyState title="No stock matches these filters" />}
    />
  );
}
