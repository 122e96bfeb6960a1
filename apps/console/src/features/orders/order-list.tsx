import { getQueryKey } from '@trpc/react-query';
import { useState } from 'react';
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
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import type { ListedOrder } from './bulk-actions';
import { BulkBar } from './bulk-bar';
import type { OrderStatus } from './statuses';

function itemsSummary(order: ListedOrder): string {
  const units = order.items.reduce((sum, i) => sum + i.quantity, 0);
  const first = order.items[0];
  const rest = order.items.length - 1;
  return `${units} ${units === 1 ? 'unit' : 'units'}${first ? ` · ${first.sku}` : ''}${rest > 0 ? ` +${rest} more` : ''}`;
}

function OrderRow({
  order,
  mark,
  now,
  selected,
  onSelect,
}: {
  order: ListedOrder;
  mark: string | undefined;
  now: number;
  selected: boolean;
  onSelect: (on: boolean) => void;
}) {
  const { byId } = useWarehouses();
  const warehouses = [...new Set(order.items.map((i) => byId.get(i.warehouseId)?.code ?? '…'))];
  return (
    <tr className={mark ? `row--${mark}` : undefined}>
      <td>
        <input
          type="checkbox"
          aria-label={`Select order #${order.number}`}
          checked={selected}
          onChange={(e) => onSelect(e.currentTarget.checked)}
        />
      </td>
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
  title,
  allSelected,
  onAll,
}: {
  title: string;
  allSelected: boolean;
  onAll: (on: boolean) => void;
}) {
  return (
    <thead>
      <tr>
        <th scope="col">
          <input
            type="checkbox"
            aria-label={`Select every order listed in ${title}`}
            checked={allSelected}
            onChange={(e) => onAll(e.currentTarget.checked)}
          />
        </th>
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

/** Which of the listed orders are ticked for a bulk action. */
function useSelection(orders: ListedOrder[]) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const select = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allSelected = orders.length > 0 && orders.every((o) => selected.has(o.id));
  return { selected, select, setSelected, allSelected };
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
  const { selected, select, setSelected, allSelected } = useSelection(orders);

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
      <BulkBar chosen={orders.filter((o) => selected.has(o.id))} onClear={() => setSelected(new Set())} />
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.isPending && orders.length === 0 && !query.error ? (
        <EmptyState title={emptyText} />
      ) : (
        <div className="table-wrap">
          <table className="table orders-table">
            <caption className="visually-hidden">{title}</caption>
            <OrdersHead
              title={title}
              allSelected={allSelected}
              onAll={(on) => setSelected(on ? new Set(orders.map((o) => o.id)) : new Set())}
            />
            <tbody aria-live="polite" aria-relevant="additions">
              {query.isPending ? (
                <SkeletonRows rows={3} columns={8} />
              ) : (
                orders.map((order) => (
                  <OrderRow
                    key={order.id}
                    order={order}
                    mark={fresh.get(order.id)}
                    now={now}
                    selected={selected.has(order.id)}
                    onSelect={(on) => select(order.id, on)}
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
