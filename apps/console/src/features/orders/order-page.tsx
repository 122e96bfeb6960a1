import { Link, useParams } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState, Loading } from '../../components/states';
import { StatusBadge } from '../../components/status-badge';
import { hasAppCode } from '../../lib/errors';
import { formatCountdown, formatDateTime, formatMoney, formatNumber, formatRelative } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { OrderActions } from './order-actions';
import { PackScan } from './pack-scan';
import type { Order } from './statuses';
import './orders.css';

function Countdown({ until }: { until: string }) {
  const now = useNow(1000);
  const left = new Date(until).getTime() - now;
  return left > 0 ? (
    <span className="countdown" role="timer">
      {formatCountdown(left)}
    </span>
  ) : (
    <span className="countdown countdown--over">expired</span>
  );
}

const HOLD_OUTCOME = {
  confirmed: 'Paid for: the held units left stock for this order.',
  released: 'Released: the units went back to available.',
  expired: 'Expired before payment: the units went back to available.',
} as const;

/** The hold behind the order: its status and, while pending, how long it has left. */
function ReservationCard({ id }: { id: string }) {
  const query = trpc.reservations.get.useQuery({ id });
  const { byId } = useWarehouses();
  return (
    <section className="card panel" aria-labelledby="reservation-title">
      <header className="panel__header">
        <h2 id="reservation-title">Reservation</h2>
        {query.data && <StatusBadge status={query.data.status} />}
      </header>
      {query.isPending ? (
        <Loading label="Loading the hold…" />
      ) : query.error ? (
        <ErrorMessage error={query.error} />
      ) : (
        <dl className="details">
          <dt>Hold</dt>
          <dd>
            <code>{query.data.id.slice(0, 8)}</code>
          </dd>
          {query.data.status === 'pending' ? (
            <>
              <dt>Expires in</dt>
              <dd>
                <Countdown until={query.data.expiresAt} />
              </dd>
            </>
          ) : (
            <>
              <dt>Outcome</dt>
              <dd>{HOLD_OUTCOME[query.data.status]}</dd>
            </>
          )}
          <dt>Held</dt>
          <dd>
            {query.data.lines
              .map((l) => `${l.quantity} × ${l.sku} at ${byId.get(l.warehouseId)?.code ?? '…'}`)
              .join(', ')}
          </dd>
        </dl>
      )}
    </section>
  );
}

function Items({ order }: { order: Order }) {
  const { byId } = useWarehouses();
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Items of order #{order.number}</caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Product</th>
            <th scope="col">From</th>
            <th scope="col" className="numeric">
              Qty
            </th>
            <th scope="col" className="numeric">
              Unit price
            </th>
            <th scope="col" className="numeric">
              Line total
            </th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={`${item.sku}:${item.warehouseId}`}>
              <td>
                <Link href={`/products/${encodeURIComponent(item.sku)}`}>{item.sku}</Link>
              </td>
              <td className="cell-wrap">{item.name}</td>
              <td className="nowrap">{byId.get(item.warehouseId)?.code ?? '…'}</td>
              <td className="numeric">{formatNumber(item.quantity)}</td>
              <td className="numeric">{formatMoney(item.unitPriceMinor, order.currency)}</td>
              <td className="numeric">{formatMoney(item.unitPriceMinor * item.quantity, order.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={5} className="numeric">
              Subtotal
            </th>
            <td className="numeric">{formatMoney(order.subtotalMinor, order.currency)}</td>
          </tr>
          <tr>
            <th scope="row" colSpan={5} className="numeric">
              Tax
            </th>
            <td className="numeric">{formatMoney(order.taxMinor, order.currency)}</td>
          </tr>
          <tr className="total-row">
            <th scope="row" colSpan={5} className="numeric">
              Total
            </th>
            <td className="numeric">{formatMoney(order.totalMinor, order.currency)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function Shipments({ order }: { order: Order }) {
  const { byId } = useWarehouses();
  return (
    <section className="card panel" aria-labelledby="shipments-title">
      <header className="panel__header">
        <h2 id="shipments-title">Shipments</h2>
      </header>
      {order.shipments.length === 0 ? (
        <p className="text-muted">Nothing shipped yet.</p>
      ) : (
        <ul className="shipments">
          {order.shipments.map((s) => (
            <li key={s.id}>
              <strong>{byId.get(s.warehouseId)?.code ?? '…'}</strong> · {s.carrier}{' '}
              <code>{s.trackingNumber}</code> <StatusBadge status={s.status} />
              <span className="text-muted text-sm">
                {' '}
                shipped {formatDateTime(s.shippedAt)}
                {s.deliveredAt && `, delivered ${formatDateTime(s.deliveredAt)}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CustomerCard({ order }: { order: Order }) {
  return (
    <section className="card panel" aria-labelledby="customer-title">
      <header className="panel__header">
        <h2 id="customer-title">Customer</h2>
      </header>
      <dl className="details">
        <dt>Name</dt>
        <dd>{order.customer.name ?? '—'}</dd>
        <dt>Email</dt>
        <dd>{order.customer.email ?? '—'}</dd>
        <dt>Ship to</dt>
        <dd>
          {order.shipTo.address ?? 'No address'}{' '}
          <span className="text-muted">
            ({order.shipTo.latitude.toFixed(3)}, {order.shipTo.longitude.toFixed(3)})
          </span>
        </dd>
        {order.paymentReference && (
          <>
            <dt>Payment</dt>
            <dd>
              <code>{order.paymentReference}</code>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

export function OrderPage() {
  const { id = '' } = useParams<{ id: string }>();
  const query = trpc.orders.get.useQuery({ id });

  if (query.isPending) return <Loading label="Loading the order…" />;
  if (query.error) {
    return hasAppCode(query.error, 'NOT_FOUND') || hasAppCode(query.error, 'VALIDATION_FAILED') ? (
      <EmptyState title="There is no such order">
        <Link href="/orders">Back to orders</Link>
      </EmptyState>
    ) : (
      <ErrorMessage error={query.error} />
    );
  }
  const order = query.data;

  return (
    <div className="stack stack--lg">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/orders">Orders</Link> <span aria-hidden="true">/</span> <span>#{order.number}</span>
      </nav>
      <PageHeader
        title={
          <>
            Order #{order.number} <StatusBadge status={order.status} />
          </>
        }
        description={`Placed ${formatRelative(order.createdAt)} (${formatDateTime(order.createdAt)}) · version ${order.version}`}
      />
      {order.status === 'needs_attention' && (
        <div className="alert alert--error" role="alert">
          The payment arrived after the hold expired and the stock was gone.{' '}
          {order.shortages
            ?.map((s) => `${s.sku}: ${s.requested} requested, ${s.available} available`)
            .join('; ')}
        </div>
      )}
      {order.cancelReason && <p className="alert alert--warning">Cancelled: {order.cancelReason}</p>}

      <div className="order-layout">
        <div className="stack">
          <section className="card panel" aria-labelledby="items-title">
            <header className="panel__header">
              <h2 id="items-title">Items</h2>
            </header>
            <Items order={order} />
          </section>
          <Shipments order={order} />
        </div>
        <div className="stack">
          <section className="card panel" aria-labelledby="actions-title">
            <header className="panel__header">
              <h2 id="actions-title">Next step</h2>
            </header>
            <OrderActions order={order} />
          </section>
          {(order.status === 'paid' || order.status === 'picking') && (
            <PackScan key={order.id} order={order} />
          )}
          {order.reservationId && <ReservationCard id={order.reservationId} />}
          <CustomerCard order={order} />
        </div>
      </div>
    </div>
  );
}
