import { getQueryKey } from '@trpc/react-query';
import { useId } from 'react';
import { Link } from 'wouter';
import { type Column, DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState } from '../../components/states';
import { formatNumber, formatRelative, formatStatus } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { useNow } from '../../lib/use-now';
import { type RouterOutputs, trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';

type Entry = RouterOutputs['waitlist']['list']['items'][number];

const TONE: Record<Entry['status'], string> = { waiting: 'info', offered: 'success', cancelled: 'muted' };

/** Leave one entry; an offered one gives its held units back, so that is confirmed first. */
function LeaveButton({ entry }: { entry: Entry }) {
  const utils = trpc.useUtils();
  const leave = trpc.waitlist.leave.useMutation({ onSettled: () => utils.waitlist.list.invalidate() });
  if (entry.status === 'cancelled') return null;
  return (
    <div className="button-row">
      <button
        type="button"
        className="button button--small button--danger-outline"
        aria-label={`Leave the waitlist for ${entry.sku}`}
        disabled={leave.isPending}
        onClick={() => {
          const sure =
            entry.status === 'waiting' ||
            window.confirm(`Stock of ${entry.sku} is held for you. Leave anyway and give it back?`);
          if (sure) leave.mutate({ id: entry.id, idempotencyKey: crypto.randomUUID() });
        }}
      >
        Leave
      </button>
      <ErrorMessage error={leave.error} />
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
    { id: 'leave', header: 'Leave', cell: (e) => <LeaveButton entry={e} /> },
  ];
}

/** A buyer's own waitlist entries (waitlist.list answers a buyer with theirs only), each with Leave. */
export function MyWaitlistPage() {
  const id = useId();
  const columns = useColumns();
  const utils = trpc.useUtils();
  const input = { limit: 50 };
  const query = useCursorPages(getQueryKey(trpc.waitlist.list, input, 'infinite'), (cursor) =>
    utils.client.waitlist.list.query({ ...input, cursor }),
  );
  const entries = query.items;

  return (
    <div className="stack">
      <PageHeader
        title="My waitlist"
        description="Products you wait for, oldest first. When stock frees up it is held for you (offered); leave an entry you no longer want."
      />
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.isPending && entries.length === 0 && !query.error ? (
        <EmptyState title="You are not waiting for anything">
          Products that are out of stock can be waited for from the store.
        </EmptyState>
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
            caption="Your waitlist entries"
            pager={query}
          />
        </section>
      )}
    </div>
  );
}
