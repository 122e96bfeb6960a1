import { getQueryKey } from '@trpc/react-query';
import { useId } from 'react';
import { Link, useSearchParams } from 'wouter';
import { type Column, DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState } from '../../components/states';
import { formatNumber, formatRelative, formatStatus } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { useNow } from '../../lib/use-now';
import { type RouterOutputs, trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';

const ENTRY_STATUSES = ['waiting', 'offered', 'cancelled'] as const;
type EntryStatus = (typeof ENTRY_STATUSES)[number];
const isEntryStatus = (value: string | null): value is EntryStatus =>
  (ENTRY_STATUSES as readonly (string | null)[]).includes(value);
type Entry = RouterOutputs['waitlist']['list']['items'][number];
const TONE: Record<EntryStatus, string> = { waiting: 'info', offered: 'success', cancelled: 'muted' };

/** The waitlist, oldest first: who waits for what; an offered entry holds stock for its buyer. */
export function WaitlistPage() {
  const id = useId();
  const [params] = useSearchParams();
  const raw = params.get('status');
  const status = isEntryStatus(raw) ? raw : undefined;
  const columns = useColumns();
  const utils = trpc.useUtils();
  const input = { status, limit: 50 };
  const query = useCursorPages(getQueryKey(trpc.waitlist.list, input, 'infinite'), (cursor) =>
    utils.client.waitlist.list.query({ ...input, cursor }),
  );
  const entries = query.items;

  return (
    <div className="stack">
      <PageHeader
        title="Waitlist"
        description="Buyers waiting for stock, oldest first. Freed or received stock is offered to the first entry it can serve, as a hold."
        actions={<StatusFilter status={status} />}
      />
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.isPending && entries.length === 0 && !query.error ? (
        <EmptyState title="Nobody is waiting" />
      ) : (
        <section className="card panel" aria-labelledby={`${id}-title`}>
          <header className="panel__header">
            <h2 id={`${id}-title`}>Entries</h2>
          </header>
          <DataTable
            columns={columns}
            rows={entries}
            rowKey={(e) => e.id}
            loading={query.isPending}
            caption="Waitlist entries, oldest first"
            pager={query}
          />
        </section>
      )}
    </div>
  );
}

function StatusFilter({ status }: { status: EntryStatus | undefined }) {
  const id = useId();
  const [params, setParams] = useSearchParams();
  return (
    <div className="field field--inline">
      <label className="field__label" htmlFor={`${id}-status`}>
        Status
      </label>
      <select
        id={`${id}-status`}
        className="input"
        value={status ?? ''}
        onChange={(e) => {
          const next = new URLSearchParams(params);
          if (e.currentTarget.value) next.set('status', e.currentTarget.value);
          else next.delete('status');
          setParams(next);
        }}
      >
        <option value="">All</option>
        {ENTRY_STATUSES.map((s) => (
          <option key={s} value={s}>
            {formatStatus(s)}
          </option>
        ))}
      </select>
    </div>
  );
}

function useColumns(): Column<Entry>[] {
  const { byId } = useWarehouses();
  const now = useNow(30_000);
  return [
    {
      id: 'sku',
      header: 'Product',
      rowHeader: true,
      sortBy: (e) => e.sku,
      cell: (e) => <Link href={`/products/${encodeURIComponent(e.sku)}`}>{e.sku}</Link>,
    },
    {
      id: 'quantity',
      header: 'Quantity',
      numeric: true,
      sortBy: (e) => e.quantity,
      cell: (e) => formatNumber(e.quantity),
    },
    {
      id: 'warehouse',
      header: 'Warehouse',
      cell: (e) => (e.warehouseId ? (byId.get(e.warehouseId)?.code ?? e.warehouseId) : 'Any'),
    },
    {
      id: 'buyer',
      header: 'Buyer',
      sortBy: (e) => e.buyerEmail,
      cell: (e) => <span className="cell-wrap">{e.buyerEmail}</span>,
    },
    {
      id: 'status',
      header: 'Status',
      sortBy: (e) => e.status,
      cell: (e) => (
        <>
          <span className={`badge badge--${TONE[e.status]}`}>{formatStatus(e.status)}</span>
          {e.offeredAt && <span className="text-muted"> {formatRelative(e.offeredAt, now)}</span>}
        </>
      ),
    },
    {
      id: 'joined',
      header: 'Joined',
      sortBy: (e) => e.createdAt,
      cell: (e) => formatRelative(e.createdAt, now),
    },
  ];
}
