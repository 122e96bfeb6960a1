import { getQueryKey } from '@trpc/react-query';
import { useId } from 'react';
import { Link, useSearchParams } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
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
  const now = useNow(30_000);
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
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col" className="numeric">
                    Quantity
                  </th>
                  <th scope="col">Warehouse</th>
                  <th scope="col">Buyer</th>
                  <th scope="col">Status</th>
                  <th scope="col">Joined</th>
                </tr>
              </thead>
              <tbody>
                {query.isPending ? (
                  <SkeletonRows rows={4} columns={6} />
                ) : (
                  entries.map((e) => <EntryRow key={e.id} entry={e} now={now} />)
                )}
              </tbody>
            </table>
          </div>
          <LoadMore
            hasNextPage={query.hasNextPage}
            isFetchingNextPage={query.isFetchingNextPage}
            fetchNextPage={query.fetchNextPage}
            error={query.isFetchNextPageError ? query.error : undefined}
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

function EntryRow({ entry: e, now }: { entry: Entry; now: number }) {
  const { byId } = useWarehouses();
  return (
    <tr>
      <th scope="row">
        <Link href={`/products/${encodeURIComponent(e.sku)}`}>{e.sku}</Link>
      </th>
      <td className="numeric">{formatNumber(e.quantity)}</td>
      <td>{e.warehouseId ? (byId.get(e.warehouseId)?.code ?? e.warehouseId) : 'Any'}</td>
      <td>
        <span className="cell-wrap">{e.buyerEmail}</span>
      </td>
      <td>
        <span className={`badge badge--${TONE[e.status]}`}>{formatStatus(e.status)}</span>
        {e.offeredAt && <span className="text-muted"> {formatRelative(e.offeredAt, now)}</span>}
      </td>
      <td>{formatRelative(e.createdAt, now)}</td>
    </tr>
  );
}
