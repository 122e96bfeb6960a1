import { Link } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { StatusBadge } from '../../components/status-badge';
import { formatMoney, formatNumber, formatRelative, formatStatus } from '../../lib/format';
import { ActivityFeed } from './activity-feed';
import { LowStock } from './low-stock';
import { type StockTotals, useOrderCounts, useStockTotals } from './use-summaries';
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

function stockValue(totals: StockTotals | undefined): string | null {
  if (!totals) return null;
  const parts = [...totals.value].map(([currency, minor]) => formatMoney(minor, currency));
  return parts.length > 0 ? parts.join(' + ') : formatMoney(0, 'USD');
}

function StockStats() {
  const stock = useStockTotals();
  const orders = useOrderCounts();
  const t = stock.data;
  const awaitingPayment = orders.data?.counts.find((c) => c.status === 'pending_payment');
  return (
    <section aria-label="Stock totals" className="stats">
      {stock.error && <ErrorMessage error={stock.error} className="stats__error" />}
      <Stat
        label="Units on hand"
        value={t ? formatNumber(t.onHand) : null}
        hint={t ? `${formatNumber(t.products)} products${t.partial ? ' (first 2,000)' : ''}` : null}
      />
      <Stat
        label="Available to sell"
        value={t ? formatNumber(t.available) : null}
        hint={t ? `${formatNumber(t.outOfStock)} products sold out` : null}
      />
      <Stat
        label="Holds pending"
        value={t ? formatNumber(t.reserved) : null}
        hint={
          awaitingPayment
            ? `units held · ${awaitingPayment.count}${awaitingPayment.more ? '+' : ''} ${
                awaitingPayment.count === 1 && !awaitingPayment.more ? 'order' : 'orders'
              } awaiting payment`
            : 'units held'
        }
      />
      <Stat label="Stock value" value={stockValue(t)} hint="on hand × price" />
    </section>
  );
}

function OrdersByStatus() {
  const query = useOrderCounts();
  const max = Math.max(1, ...(query.data?.counts.map((c) => c.count) ?? []));
  return (
    <section className="card panel" aria-labelledby="orders-status-title">
      <header className="panel__header">
        <h2 id="orders-status-title">Orders by status</h2>
        <Link href="/orders">All orders</Link>
      </header>
      {query.error && <ErrorMessage error={query.error} />}
      <ul className="status-bars">
        {(query.data?.counts ?? []).map(({ status, count, more }) => (
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
            <span className="status-bars__count numeric">
              {formatNumber(count)}
              {more ? '+' : ''}
            </span>
          </li>
        ))}
        {query.isPending &&
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
  const query = useOrderCounts();
  const orders = query.data?.attention ?? [];
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
