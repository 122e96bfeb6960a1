import { getQueryKey } from '@trpc/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { EmptyState, SkeletonRows } from '../../components/states';
import { StatusBadge } from '../../components/status-badge';
import { formatMoney, formatRelative } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { useNow } from '../../lib/use-now';
import { useFreshOrders } from '../../live/live-events';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import type { ListedOrder, OrderSelection } from './bulk-selection';
import type { OrderStatus } from './statuses';

function itemsSummary(order: ListedOrder): string {
  const units = order.items.reduce((sum, i) => sum + i.quantity, 0);
  const first = order.items[0];
  const rest = order.items.length - 1;
  return `${units} ${units === 1 ? 'unit' : 'units'}${first ? ` · ${first.sku}` : ''}${rest > 0 ? ` +${rest} more` : ''}`;
}

/** Tick every order of this list (mixed when some are ticked). */
function SelectAll({
  orders,
  title,
  selection,
}: {
  orders: ListedOrder[];
  title: string;
  selection: OrderSelection;
}) {
  const box = useRef<HTMLInputElement>(null);
  const ticked = orders.filter((o) => selection.has(o.id)).length;
  const all = orders.length > 0 && ticked === orders.length;
  useEffect(() => {
    if (box.current) box.current.indeterminate = ticked > 0 && !all;
  }, [ticked, all]);
  return (
    <input
      ref={box}
      type="checkbox"
      aria-label={`Select all ${orders.length} orders in ${title}`}
      checked={all}
      disabled={orders.length === 0}
      onChange={(e) => selection.set(orders, e.currentTarget.checked)}
    />
  );
}

function OrderRow({
  order,
  mark,
  now,
  selection,
}: {
  order: ListedOrder;
  mark: string | undefined;
  now: number;
  selection?: OrderSelection;
}) {
  const { byId } = useWarehouses();
  const warehouses = [...new Set(order.items.map((i) => byId.get(i.warehouseId)?.code ?? '…'))];
  return (
    <tr className={mark ? `row--${mark}` : undefined}>
      {selection && (
        <td className="cell-select">
          <input
            type="checkbox"
            aria-label={`Select order #${order.number}`}
            checked={selection.has(order.id)}
            onChange={(e) => selection.set([order], e.currentTarget.checked)}
          />
        </td>
      )}
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

function OrdersHead({
  orders,
  title,
  selection,
}: {
  orders: ListedOrder[];
  title: string;
  selection?: OrderSelection;
}) {
  return (
    <thead>
      <tr>
        {selection && (
          <th scope="col" className="cell-select">
            <SelectAll orders={orders} title={title} selection={selection} />
          </th>
        )}
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
  );
}

/** One list of orders, newest first; orders that just arrived or changed are highlighted. */
export function OrderList({
  status,
  warehouseId,
  title,
  emptyText,
  selection,
}: {
  status?: OrderStatus;
  warehouseId?: string;
  title: string;
  emptyText: string;
  selection?: OrderSelection;
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
  const refresh = selection?.refresh;
  const pages = query.data?.pages;
  useEffect(() => {
    if (pages) refresh?.(pages.flatMap((p) => p.items));
  }, [pages, refresh]);

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
      </header>
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.isPending && orders.length === 0 && !query.error ? (
        <EmptyState title={emptyText} />
      ) : (
        <div className="table-wrap">
          <table className="table orders-table">
            <caption className="visually-hidden">{title}</caption>
            <OrdersHead orders={orders} title={title} selection={selection} />
            <tbody aria-live="polite" aria-relevant="additions">
              {query.isPending ? (
                <SkeletonRows rows={3} columns={selection ? 8 : 7} />
              ) : (
                orders.map((order) => (
                  <OrderRow
                    key={order.id}
                    order={order}
                    mark={fresh.get(order.id)}
                    now={now}
                    selection={selection}
                  />
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
