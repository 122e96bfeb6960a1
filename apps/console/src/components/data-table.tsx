import {
  type ColumnDef,
  getCoreRowModel,
  getSortedRowModel,
  type Header,
  type Row,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { type HTMLAttributes, type ReactNode, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatNumber } from '../lib/format';
import { LoadMore } from './load-more';
import { SkeletonRows } from './states';
import './data-table.css';

/** One column: its header, how a row shows in it, and (to be sortable) the value it sorts by. */
export interface Column<T> {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The value to sort by; a column without one is not sortable. */
  sortBy?: (row: T) => string | number;
  numeric?: boolean;
  /** The cell names its row (`<th scope="row">`). */
  rowHeader?: boolean;
  className?: string;
}

/** A sort the API applies (the list takes a sort input): the table asks for it instead of sorting. */
interface ServerSort {
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
}

/** Cursor paging as `useCursorPages` gives it. */
export interface Pager {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  error: unknown;
  isFetchNextPageError: boolean;
}

interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  loading?: boolean;
  caption?: string;
  /** Shown instead of the table when nothing is loading and there are no rows. */
  empty?: ReactNode;
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  pager?: Pager;
  serverSort?: ServerSort;
  /** Render only the rows in view once there are this many (default 100). */
  virtualFrom?: number;
  className?: string;
}

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const;
const ARROW = { asc: '▲', desc: '▼' } as const;

function toColumnDefs<T>(columns: Column<T>[]): ColumnDef<T>[] {
  return columns.map((c) => ({
    id: c.id,
    accessorFn: c.sortBy ?? (() => null),
    enableSorting: Boolean(c.sortBy),
    sortUndefined: 'last',
  }));
}

function SortableHeader<T>({ header, column }: { header: Header<T, unknown>; column: Column<T> }) {
  const sorted = header.column.getIsSorted();
  const classes = [column.numeric ? 'numeric' : '', column.className ?? ''].join(' ').trim() || undefined;
  if (!header.column.getCanSort())
    return (
      <th scope="col" className={classes}>
        {column.header}
      </th>
    );
  return (
    <th scope="col" className={classes} aria-sort={sorted ? ARIA_SORT[sorted] : 'none'}>
      <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
        {column.header}
        <span className="sort-button__arrow" aria-hidden="true">
          {sorted ? ARROW[sorted] : '↕'}
        </span>
      </button>
    </th>
  );
}

function Cells<T>({ row, columns }: { row: Row<T>; columns: Column<T>[] }) {
  return columns.map((c) => {
    const className = [c.numeric ? 'numeric' : '', c.className ?? ''].join(' ').trim() || undefined;
    return c.rowHeader ? (
      <th key={c.id} scope="row" className={className}>
        {c.cell(row.original)}
      </th>
    ) : (
      <td key={c.id} className={className}>
        {c.cell(row.original)}
      </td>
    );
  });
}

/** The rows in view of the window, and the space the others take above and below. */
function useVisibleRows<T>(rows: Row<T>[], enabled: boolean) {
  const body = useRef<HTMLTableSectionElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    const top = body.current ? body.current.getBoundingClientRect().top + window.scrollY : 0;
    if (Math.abs(top - scrollMargin) > 1) setScrollMargin(top);
  });
  const virtualizer = useWindowVirtualizer({
    count: enabled ? rows.length : 0,
    estimateSize: () => 44,
    overscan: 10,
    scrollMargin,
  });
  const items = virtualizer.getVirtualItems();
  if (!enabled)
    return { body, virtualizer, visible: rows.map((row, index) => ({ row, index })), before: 0, after: 0 };
  const first = items[0];
  const last = items[items.length - 1];
  return {
    body,
    virtualizer,
    visible: items.flatMap((item) =>
      rows[item.index] ? [{ row: rows[item.index] as Row<T>, index: item.index }] : [],
    ),
    before: first ? first.start - scrollMargin : 0,
    after: last ? virtualizer.getTotalSize() - (last.end - scrollMargin) : 0,
  };
}

function Spacer({ height, columns }: { height: number; columns: number }) {
  if (height <= 0) return null;
  return (
    // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a row is not focusable; this one only keeps the scroll height of the rows not rendered
    <tr aria-hidden="true" className="data-table__spacer" style={{ height }}>
      <td colSpan={columns} />
    </tr>
  );
}

function TableBody<T>({
  rows,
  columns,
  loading,
  virtual,
  rowProps,
}: {
  rows: Row<T>[];
  columns: Column<T>[];
  loading: boolean;
  virtual: boolean;
  rowProps: DataTableProps<T>['rowProps'];
}) {
  const { body, virtualizer, visible, before, after } = useVisibleRows(rows, virtual);
  return (
    <tbody ref={body}>
      {loading ? (
        <SkeletonRows rows={4} columns={columns.length} />
      ) : (
        <>
          <Spacer height={before} columns={columns.length} />
          {visible.map(({ row, index }) => (
            <tr
              key={row.id}
              {...rowProps?.(row.original)}
              data-index={index}
              ref={virtual ? virtualizer.measureElement : undefined}
              aria-rowindex={virtual ? index + 2 : undefined}
            >
              <Cells row={row} columns={columns} />
            </tr>
          ))}
          <Spacer height={after} columns={columns.length} />
        </>
      )}
    </tbody>
  );
}

/**
 * A real `<table>` on TanStack Table: sortable columns (by the API when it sorts, else
 * among the loaded rows, which the table says), rows virtualised against the window once
 * the list is long (with aria-rowcount/aria-rowindex), and "Load more" for cursor pages.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, loading = false, pager, serverSort, virtualFrom = 100 } = props;
  const [localSorting, setLocalSorting] = useState<SortingState>([]);
  const defs = useMemo(() => toColumnDefs(columns), [columns]);
  const sorting = serverSort?.sorting ?? localSorting;
  const table = useReactTable({
    data: rows,
    columns: defs,
    getRowId: props.rowKey,
    state: { sorting },
    onSortingChange: (update) => {
      const next = typeof update === 'function' ? update(sorting) : update;
      if (serverSort) serverSort.onSortingChange(next);
      else setLocalSorting(next);
    },
    manualSorting: Boolean(serverSort),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const model = table.getRowModel().rows;
  const virtual = !loading && model.length >= virtualFrom;
  if (!loading && rows.length === 0 && props.empty) return <>{props.empty}</>;
  const byId = new Map(columns.map((c) => [c.id, c]));
  const more = pager?.hasNextPage ?? false;
  return (
    <div className={`data-table ${props.className ?? ''}`.trim()}>
      <div className="table-wrap">
        <table className="table" aria-rowcount={virtual ? (more ? -1 : model.length + 1) : undefined}>
          {props.caption && <caption className="visually-hidden">{props.caption}</caption>}
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id} aria-rowindex={virtual ? 1 : undefined}>
                {group.headers.map((h) => {
                  const column = byId.get(h.column.id);
                  return column ? <SortableHeader key={h.id} header={h} column={column} /> : null;
                })}
              </tr>
            ))}
          </thead>
          <TableBody
            rows={model}
            columns={columns}
            loading={loading}
            virtual={virtual}
            rowProps={props.rowProps}
          />
        </table>
      </div>
      {!serverSort && sorting.length > 0 && more && (
        <p className="data-table__note text-muted" role="status">
          Sorted among the {formatNumber(model.length)} rows loaded so far; load more to include the rest.
        </p>
      )}
      {pager && (
        <LoadMore
          hasNextPage={pager.hasNextPage}
          isFetchingNextPage={pager.isFetchingNextPage}
          fetchNextPage={pager.fetchNextPage}
          error={pager.isFetchNextPageError ? pager.error : undefined}
        />
      )}
    </div>
  );
}
