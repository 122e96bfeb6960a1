/**
 * A table for long lists: TanStack Table for the columns and sorting state,
 * TanStack Virtual for the rows (only those in view are in the DOM; spacer rows
 * keep the scroll height). Sorting is the server's: a sortable header is a button
 * that asks the page for another sort; the header says which sort is on
 * (aria-sort). Real <table> semantics, with aria-rowcount / aria-rowindex so a
 * screen reader knows where it is in the whole list.
 */
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type Row,
  type SortingState,
  type Table,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { SkeletonRows } from './states';

const ROW_HEIGHT = 41;

export function DataTable<T>({
  label,
  rows,
  columns,
  pending,
  total,
  sortedBy,
  onSort,
  rowKey,
  empty,
}: {
  label: string;
  rows: T[];
  columns: ColumnDef<T>[];
  pending: boolean;
  /** Rows in the whole list when known (else the loaded rows, plus one while there are more). */
  total: number;
  /** The column id the server sorts by (ascending). */
  sortedBy?: string;
  onSort?: (columnId: string) => void;
  rowKey: (row: T) => string;
  empty: string;
}) {
  const sorting: SortingState = sortedBy ? [{ id: sortedBy, desc: false }] : [];
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    manualSorting: true,
    getCoreRowModel: getCoreRowModel(),
    getRowId: rowKey,
  });
  const scroller = useRef<HTMLDivElement>(null);
  const tableRows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const width = columns.length;

  return (
    <div ref={scroller} className="table-wrap data-table" tabIndex={-1}>
      <table className="table" aria-label={label} aria-rowcount={total + 1}>
        <DataTableHead table={table} onSort={onSort} />
        <DataTableBody
          rows={tableRows}
          items={items}
          top={top}
          bottom={bottom}
          width={width}
          pending={pending}
          empty={empty}
        />
      </table>
    </div>
  );
}

function DataTableHead<T>({ table, onSort }: { table: Table<T>; onSort?: (columnId: string) => void }) {
  return (
    <thead>
      {table.getHeaderGroups().map((group) => (
        <tr key={group.id} aria-rowindex={1}>
          {group.headers.map((header) => {
            const sortable = header.column.columnDef.enableSorting === true && onSort;
            const sorted = header.column.getIsSorted();
            return (
              <th
                key={header.id}
                scope="col"
                className={(header.column.columnDef.meta as { className?: string } | undefined)?.className}
                aria-sort={sortable ? (sorted ? 'ascending' : 'none') : undefined}
              >
                {sortable ? (
                  <button type="button" className="th-sort" onClick={() => onSort(header.column.id)}>
                    {flexRender(header.column.columnDef.header, header.getContext())}
                    <span aria-hidden="true">{sorted ? ' ▲' : ' ↕'}</span>
                  </button>
                ) : (
                  flexRender(header.column.columnDef.header, header.getContext())
                )}
              </th>
            );
          })}
        </tr>
      ))}
    </thead>
  );
}

function DataTableBody<T>({
  rows: tableRows,
  items,
  top,
  bottom,
  width,
  pending,
  empty,
}: {
  rows: Row<T>[];
  items: VirtualItem[];
  top: number;
  bottom: number;
  width: number;
  pending: boolean;
  empty: string;
}) {
  return (
    <tbody>
      {pending && <SkeletonRows rows={6} columns={width} />}
      {!pending && tableRows.length === 0 && (
        <tr>
          <td colSpan={width} className="text-muted">
            {empty}
          </td>
        </tr>
      )}
      {top > 0 && (
        <tr className="data-table__spacer">
          <td colSpan={width} style={{ height: top, padding: 0, border: 0 }} />
        </tr>
      )}
      {items.map((item) => {
        const row = tableRows[item.index];
        if (!row) return null;
        return (
          <tr key={row.id} aria-rowindex={item.index + 2} style={{ height: ROW_HEIGHT }}>
            {row.getVisibleCells().map((cell) => (
              <td
                key={cell.id}
                className={(cell.column.columnDef.meta as { className?: string } | undefined)?.className}
              >
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </td>
            ))}
          </tr>
        );
      })}
      {bottom > 0 && (
        <tr className="data-table__spacer">
          <td colSpan={width} style={{ height: bottom, padding: 0, border: 0 }} />
        </tr>
      )}
    </tbody>
  );
}
