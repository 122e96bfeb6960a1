import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { isAdmin } from '../../auth/permissions';
import { useUser } from '../../auth/session-context';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { StatusBadge } from '../../components/status-badge';
import { formatNumber, formatRelative, formatStatus } from '../../lib/format';
import { trpc } from '../../trpc';
import { ORDER_STATUSES } from '../orders/statuses';
import { ActivityFeed } from './activity-feed';
import { LowStock } from './low-stock';
import { formatStockValue, useSummary } from './use-summary';
import './dashboard.css';

function Stat({ label, value, hint }: { label: string; value: string | null; hint?: ReactNode }) {
  return (
    <figure className="stat card">
      <figcaption className="stat__label">{label}</figcaption>
      <p className="stat__value numeric-left">{value ?? <span className="skeleton skeleton--stat" />}</p>
      {hint && <p className="stat__hint text-muted">{hint}</p>}
    </figure>
  );
}

const plural = (count: number, one: string, many: string) =>
  `${formatNumber(count)} ${count === 1 ? one : many}`;

function StockStats() {
  const { data: t, error } = useSummary();
  return (
    <section aria-label="Stock totals" className="stats stats--5">
      {error && <ErrorMessage error={error} className="stats__error" />}
      <Stat
        label="Units on hand"
        value={t ? formatNumber(t.onHand) : null}
        hint={t ? plural(t.products, 'product', 'products') : null}
      />
      <Stat
        label="Available to sell"
        value={t ? formatNumber(t.available) : null}
        hint={t ? `${plural(t.outOfStock, 'level', 'levels')} sold out` : null}
      />
      <Stat
        label="Held"
        value={t ? formatNumber(t.held) : null}
        hint={
          t
            ? `units held · ${plural(t.ordersByStatus.pending_payment, 'order', 'orders')} awaiting payment`
            : null
        }
      />
      <Stat
        label="Stock value"
        value={t ? formatStockValue(t.stockValueMinor) : null}
        hint="on hand × list price"
      />
      <Stat
        label="Low stock"
        value={t ? formatNumber(t.lowStock) : null}
        hint={<Link href="/stock?low=1">levels at or below safety stock</Link>}
      />
    </section>
  );
}

function OrdersByStatus() {
  const { data, error, isPending } = useSummary();
  const counts = ORDER_STATUSES.map((status) => ({ status, count: data?.ordersByStatus[status] ?? 0 }));
  const max = Math.max(1, ...counts.map((c) => c.count));
  return (
    <section className="card panel" aria-labelledby="orders-status-title">
      <header className="panel__header">
        <h2 id="orders-status-title">Orders by status</h2>
        <Link href="/orders">All {data ? formatNumber(data.ordersTotal) : ''} orders</Link>
      </header>
      {error && <ErrorMessage error={error} />}
      <ul className="status-bars">
        {isPending
          ? ORDER_STATUSES.map((status) => (
              <li key={status} className="status-bars__row" aria-hidden="true">
                <span className="skeleton" />
              </li>
            ))
          : counts.map(({ status, count }) => (
              <li
                key={status}
                className={`status-bars__row${status === 'needs_attention' && count > 0 ? ' status-bars__row--alert' : ''}`}
              >
                <Link href={`/orders?status=${status}`} className="status-bars__label">
                  {formatStatus(status)}
                </Link>
                <span className="status-bars__track" aria-hidden="true">
                  <span
                    className={`status-bars__fill status-bars__fill--${status}`}
                    style={{ width: `${(count / max) * 100}%` }}
                  />
                </span>
                <span className="status-bars__count numeric">{formatNumber(count)}</span>
              </li>
            ))}
      </ul>
    </section>
  );
}

function NeedsAttention() {
  const query = trpc.orders.list.useQuery({ status: 'needs_attention', limit: 5 });
  const orders = query.data?.items ?? [];
  if (orders.length === 0) return null;
  return (
    <section className="card panel panel--attention" aria-labelledby="attention-title">
      <header className="panel__header">
        <h2 id="attention-title">Needs attention</h2>
        <Link href="/orders?status=needs_attention">See all</Link>
      </header>
      <ul className="attention-list">
        {orders.slice(0, 5).map((order) => (
          <li key={order.id}>
            <Link href={`/orders/${order.id}`}>Order #{order.number}</Link>{' '}
            <StatusBadge status={order.status} />
            <span className="text-muted text-sm">
              {' '}
              {order.shortages?.map((s) => `${s.sku} short by ${s.requested - s.available}`).join(', ') ??
                formatRelative(order.updatedAt)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DashboardPage() {
  const user = useUser();
  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Dashboard"
        description={
          isAdmin(user)
            ? 'Stock, holds and orders across every warehouse, live.'
            : 'Stock, holds and orders in your warehouses, live.'
        }
      />
      <StockStats />
      <NeedsAttention />
      <div className="dashboard-grid">
        <div className="stack">
          <OrdersByStatus />
          <LowStock />
        </div>
        <ActivityFeed />
      </div>
    </div>
  );
}
