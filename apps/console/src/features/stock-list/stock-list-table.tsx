import type { ColumnDef } from '@tanstack/react-table';
import { Link } from 'wouter';
import { DataTable } from '../../components/data-table';
import { formatNumber, formatWhen } from '../../lib/format';
import type { RouterOutputs } from '../../trpc';

type Level = RouterOutputs['inventory']['list']['items'][number];
export type StockSort = 'sku' | 'available' | 'updatedAt';

const numeric = { className: 'numeric' };

function columns(warehouseCode: (id: string) => string): ColumnDef<Level>[] {
  return [
    {
      id: 'sku',
      header: 'SKU',
      enableSorting: true,
      cell: ({ row }) => (
        <Link href={`/products/${encodeURIComponent(row.original.sku)}`}>
          <code>{row.original.sku}</code>
        </Link>
      ),
    },
    { id: 'warehouse', header: 'Warehouse', cell: ({ row }) => warehouseCode(row.original.warehouseId) },
    { id: 'onHand', header: 'On hand', meta: numeric, cell: ({ row }) => formatNumber(row.original.onHand) },
    { id: 'reserved', header: 'Held', meta: numeric, cell: ({ row }) => formatNumber(row.original.reserved) },
    {
      id: 'available',
      header: 'Available',
      enableSorting: true,
      meta: numeric,
      cell: ({ row }) => formatNumber(row.original.available),
    },
    {
      id: 'safetyStock',
      header: 'Safety stock',
      meta: numeric,
      cell: ({ row }) => formatNumber(row.original.safetyStock),
    },
    {
      id: 'updatedAt',
      header: 'Last change',
      enableSorting: true,
      cell: ({ row }) => formatWhen(row.original.updatedAt),
    },
  ];
}

export function StockListTable({
  rows,
  pending,
  more,
  warehouseCode,
  sort,
  onSort,
}: {
  rows: Level[];
  pending: boolean;
  more: boolean;
  warehouseCode: (id: string) => string;
  sort: StockSort;
  onSort: (sort: StockSort) => void;
}) {
  return (
    <DataTable
      label="Stock levels"
      rows={rows}
      columns={columns(warehouseCode)}
      pending={pending}
      total={rows.length + (more ? 1 : 0)}
      sortedBy={sort}
      onSort={(id) => onSort(id as StockSort)}
      rowKey={(level) => `${level.warehouseId}:${level.sku}`}
      empty="No stock matches these filters."
    />
  );
}
