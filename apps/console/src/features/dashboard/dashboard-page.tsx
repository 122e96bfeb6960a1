import { Link } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { StatusBadge } from '../../components/status-badge';
import { formatNumber, formatRelative, formatStatus } from '../../lib/format';
import { trpc } from '../../trpc';
import { ORDER_STATUSES } from '../orders/statuses';
import { ActivityFeed } from './activity-feed';
import { LowStock } from './low-stock';
import { stockValue, useSummary } from './use-summary';
import './dashboard.css';

function Stat({ label, value, hint }: { label: string; value: string | null; hint?: string | null }) {
  return (
    <div className="stat card">
      <p className="stat__label">{label}</p>
      <p className="stat__value numeric-left">{value ?? <span className="skeleton skeleton--stat" />}</p>
      {hint && <p className="stat__hint text-muted">{hint}</p>}
    </div>
  );
}

function StockStats() {
  const summary = useSummary();
  const t = summary.data;
  const awaiting = t?.ordersByStatus.pending_payment;
  return (
    <section aria-label="Stock totals" className="stats" data-as-of={t?.asOf}>
      {summary.error && <ErrorMessage error={summary.error} className="stats__error" />}
      <Stat
        label="Units on hand"
        value={t ? formatNumber(t.onHand) : null}
        hint={t ? `${formatNumber(t.products)} products` : null}
      />
      <Stat
        label="Available to sell"
        value={t ? formatNumber(t.available) : null}
        hint={t ? `${formatNumber(t.outOfStock)} sold out · ${formatNumber(t.lowStock)} low` : null}
      />
      <Stat
        label="Holds pending"
        value={t ? formatNumber(t.held) : null}
        hint={
          awaiting === undefined
            ? 'units held'
            : `units held · ${formatNumber(awaiting)} ${awaiting === 1 ? 'order' : 'orders'} awaiting payment`
        }
      />
      <Stat label="Stock value" value={stockValue(t)} hint="on hand × price" />
    </section>
  );
}

function OrdersByStatus() {
  const summary = useSummary();
  const counts = ORDER_STATUSES.map((status) => ({
    status,
    count: summary.data?.ordersByStatus[status] ?? 0,
  }));
  const max = Math.max(1, ...counts.map((c) => c.count));
  return (
    <section className="card panel" aria-labelledby="orders-status-title">
      <header className="panel__header">
        <h2 id="orders-status-title">Orders by status</h2>
        <Link href="/orders">All orders</Link>
      </header>
      {summary.error && <ErrorMessage error={summary.error} />}
      <ul className="status-bars">
        {summary.data &&
          counts.map(({ status, count }) => (
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
        {summary.isPending &&
          Array.from({ length: 8 }, (_, i) => (
            <li key={i} className="status-bars__row" aria-hidden="true">
              <span className="skeleton" />
            </li>
          ))}
      </ul>
    </section>
  );
}

function NeedsAttention() {
  const query = trpc.orders.list.useQuery({ status: 'needs_attention', limit: 5 }, { staleTime: 15_000 });
  const orders = query.data?.items ?? [];
  if (orders.length === 0) return null;
  return (
    <section className="card panel panel--attention" aria-labelledby="attention-title">
      <header className="panel__header">
        <h2 id="attention-title">Needs attention</h2>
        <Link href="/orders?status=needs_attention">See all</Link>
      </header>
      <ul className="attention-list">
        {orders.map((order) => (
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
  return (
    <div className="stack stack--lg">
      <PageHeader title="Dashboard" description="Stock, holds and orders across every warehouse, live." />
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
