import { type FormEvent, useState } from 'react';
import { errorInfo } from '../../lib/errors';
import { type RouterOutputs, trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';

export type ListedOrder = RouterOutputs['orders']['list']['items'][number];

export interface BulkResult {
  orderId: string;
  number: number;
  /** What was tried (for a multi-warehouse order: which shipment). */
  what: string;
  ok: boolean;
  /** The refusal: the API's code and its words. */
  appCode?: string;
  message?: string;
}

/** Run `task` for each item, at most 4 at once, collecting one result per item (never all-or-nothing). */
async function eachOf<T>(items: T[], task: (item: T) => Promise<BulkResult>): Promise<BulkResult[]> {
  const results: BulkResult[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index] as T);
      }
    }),
  );
  return results;
}

async function attempt(order: ListedOrder, what: string, call: () => Promise<unknown>): Promise<BulkResult> {
  try {
    await call();
    return { orderId: order.id, number: order.number, what, ok: true };
  } catch (error) {
    const { appCode, message } = errorInfo(error);
    return { orderId: order.id, number: order.number, what, ok: false, appCode, message };
  }
}

/** One shipment of a selected order: the order, a warehouse its items leave from. */
interface Shipment {
  order: ListedOrder;
  warehouseId: string;
}

const shipmentsOf = (orders: ListedOrder[]): Shipment[] =>
  orders.flatMap((order) =>
    [...new Set(order.items.map((i) => i.warehouseId))].map((warehouseId) => ({ order, warehouseId })),
  );

/** The three bulk actions, each reporting per order. */
export function useBulkActions(onDone: (results: BulkResult[]) => void) {
  const utils = trpc.useUtils();
  const updateStatus = trpc.orders.updateStatus.useMutation();
  const ship = trpc.orders.ship.useMutation();
  const cancel = trpc.orders.cancel.useMutation();
  const [busy, setBusy] = useState(false);
  const key = () => crypto.randomUUID();

  async function run(work: () => Promise<BulkResult[]>) {
    setBusy(true);
    try {
      onDone(await work());
    } finally {
      setBusy(false);
      void utils.orders.invalidate();
    }
  }
  return {
    busy,
    pick: (orders: ListedOrder[]) =>
      run(() =>
        eachOf(orders, (o) =>
          attempt(o, 'pick', () =>
            updateStatus.mutateAsync({
              id: o.id,
              status: 'picking',
              expectedVersion: o.version,
              idempotencyKey: key(),
            }),
          ),
        ),
      ),
    ship: (
      rows: { shipment: Shipment; carrier: string; trackingNumber: string }[],
      code: (id: string) => string,
    ) =>
      run(() =>
        eachOf(rows, ({ shipment: { order, warehouseId }, carrier, trackingNumber }) =>
          attempt(order, `ship from ${code(warehouseId)}`, () =>
            ship.mutateAsync({ id: order.id, warehouseId, carrier, trackingNumber, idempotencyKey: key() }),
          ),
        ),
      ),
    cancel: (orders: ListedOrder[], reason: string) =>
      run(() =>
        eachOf(orders, (o) =>
          attempt(o, 'cancel', () => cancel.mutateAsync({ id: o.id, reason, idempotencyKey: key() })),
        ),
      ),
  };
}

/** Carrier and tracking number for each shipment of the selected orders. */
export function BulkShipForm({
  orders,
  busy,
  onShip,
  onClose,
}: {
  orders: ListedOrder[];
  busy: boolean;
  onShip: (
    rows: { shipment: Shipment; carrier: string; trackingNumber: string }[],
    code: (id: string) => string,
  ) => void;
  onClose: () => void;
}) {
  const { byId } = useWarehouses();
  const code = (id: string) => byId.get(id)?.code ?? id.slice(0, 8);
  const shipments = shipmentsOf(orders);
  const [carrier, setCarrier] = useState('UPS');
  const [tracking, setTracking] = useState<Record<string, string>>({});
  const keyOf = (s: Shipment) => `${s.order.id}:${s.warehouseId}`;
  const missing = shipments.filter((s) => !tracking[keyOf(s)]?.trim());
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (missing.length > 0 || !carrier.trim()) return;
    onShip(
      shipments.map((shipment) => ({
        shipment,
        carrier: carrier.trim(),
        trackingNumber: (tracking[keyOf(shipment)] ?? '').trim(),
      })),
      code,
    );
  }
  return (
    <form className="card panel stack" aria-label="Ship the selected orders" onSubmit={onSubmit}>
      <div className="field">
        <label className="field__label" htmlFor="bulk-carrier">
          Carrier
        </label>
        <input
          id="bulk-carrier"
          className="input"
          value={carrier}
          onChange={(e) => setCarrier(e.currentTarget.value)}
        />
      </div>
      {shipments.map((s) => (
        <div className="field" key={keyOf(s)}>
          <label className="field__label" htmlFor={`bulk-tracking-${keyOf(s)}`}>
            Tracking number, order #{s.order.number} from {code(s.warehouseId)}
          </label>
          <input
            id={`bulk-tracking-${keyOf(s)}`}
            className="input"
            value={tracking[keyOf(s)] ?? ''}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setTracking((t) => ({ ...t, [keyOf(s)]: value }));
            }}
          />
        </div>
      ))}
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy || missing.length > 0}>
          Ship {shipments.length} {shipments.length === 1 ? 'shipment' : 'shipments'}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

/** What each order's action came to: done, or the exact refusal. */
export function BulkReport({ results, onClose }: { results: BulkResult[]; onClose: () => void }) {
  const failed = results.filter((r) => !r.ok).length;
  return (
    <section className="card panel" aria-labelledby="bulk-report-title">
      <header className="panel__header">
        <h2 id="bulk-report-title">
          {results.length - failed} done, {failed} refused
        </h2>
        <button type="button" className="button button--small button--ghost" onClick={onClose}>
          Close
        </button>
      </header>
      <ul className="bulk-report" aria-label="Result per order">
        {results.map((r) => (
          <li key={`${r.orderId}:${r.what}`} className={r.ok ? 'bulk-report__ok' : 'bulk-report__refused'}>
            Order #{r.number} — {r.what}: {r.ok ? 'done' : `refused (${r.appCode}) ${r.message ?? ''}`}
          </li>
        ))}
      </ul>
    </section>
  );
}
