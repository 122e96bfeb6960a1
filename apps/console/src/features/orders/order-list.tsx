import { getQueryKey } from '@trpc/react-query';
import { Link } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { ExportLink } from '../../components/export-link';
import { LoadMore } from '../../components/load-more';
import { EmptyState, SkeletonRows } from '../../components/states';
import { StatusBadge } from '../../components/status-badge';
import { formatMoney, formatRelative } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { useNow } from '../../lib/use-now';
import { useFreshOrders } from '../../live/live-events';
import { type RouterOutputs, trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import type { OrderStatus } from './statuses';

type ListedOrder = RouterOutputs['orders']['list']['items'][number];

function itemsSummary(order: ListedOrder): string {
  const units = order.items.reduce((sum, i) => sum + i.quantity, 0);
  const first = order.items[0];
  const rest = order.items.length - 1;
  return `${units} ${units === 1 ? 'unit' : 'units'}${first ? ` · ${first.sku}` : ''}${rest > 0 ? ` +${rest} more` : ''}`;
}

function OrderRow({ order, mark, now }: { order: ListedOrder; mark: string | undefined; now: number }) {
  const { byId } = useWarehouses();
  const warehouses = [...new Set(order.items.map((i) => byId.get(i.warehouseId)?.code ?? '…'))];
  return (
    <tr className={mark ? `row--${mark}` : undefined}>
      <th scope="row">
        <Link href={`/orders/${order.id}`}>#{order.number}</Link>
        {mark === 'new' && <span className="badge badge--new">New</span>}
      </th>
      <td>
        <StatusBadge status={order.status} />
      </td>
      <td className="hide-narrow cell-wrap">{order.customer.name ?? order.customer.email ?? '—'}</td>
      <td className="cell-wrap">{itemsSummary(order)}</td>
      <td>{warehouses.join(', ')}</td>
      <td className="numeric">{formatMoney(order.totalMinor, order.currency)}</td>
      <td className="nowrap">
        <time dateTime={order.createdAt}>{formatRelative(order.createdAt, now)}</time>
      </td>
    </tr>
  );
}

/** One list of orders, newest first; orders that just arrived or changed are highlighted. */
export function OrderList({
  status,
  warehouseId,
  title,
  emptyText,
}: {
  status?: OrderStatus;
  warehouseId?: string;
  title: string;
  emptyText: string;
}) {
  const fresh = useFreshOrders();
  const now = useNow(30_000);
  const utils = trpc.useUtils();
  const input = { status, warehouseId, limit: 25 };
  const query = useCursorPages(getQueryKey(trpc.orders.list, input, 'infinite'), (cursor) =>
    utils.client.orders.list.query({ ...input, cursor }),
  );
  const orders = query.items;
  const headingId = `orders-${status ?? 'all'}`;

  return (
    <section className="card panel" aria-labelledby={headingId}>
      <header className="panel__header">
        <h2 id={headingId}>
          {title}
          {!query.isPending && (
            <span className="count-badge">
              {orders.length}
              {query.hasNextPage ? '+' : ''}
            </span>
          )}
        </h2>
        <ExportLink list="orders" filters={{ status, warehouseId }} name={`Export ${title} as CSV`} />
      </header>
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.isPending && orders.length === 0 && !query.error ? (
        <EmptyState title={emptyText} />
      ) : (
        <div className="table-wrap">
          <table className="table orders-table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Status</th>
                <th scope="col" className="hide-narrow">
                  Customer
                </th>
                <th scope="col">Items</th>
                <th scope="col">From</th>
                <th scope="col" className="numeric">
                  Total
                </th>
                <th scope="col">Placed</th>
              </tr>
            </thead>
            <tbody aria-live="polite" aria-relevant="additions">
              {query.isPending ? (
                <SkeletonRows rows={3} columns={7} />
              ) : (
                orders.map((order) => (
                  <OrderRow key={order.id} order={order} mark={fresh.get(order.id)} now={now} />
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore
        hasNextPage={query.hasNextPage}
        isFetchingNextPage={query.isFetchingNextPage}
        fetchNextPage={query.fetchNextPage}
        error={query.isFetchNextPageError ? query.error : null}
        auto={false}
      />
    </section>
  );
}
