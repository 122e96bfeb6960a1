import { type FormEvent, useId, useState } from 'react';
import type { SessionUser } from '../../auth/session';
import { useUser } from '../../auth/session-context';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { BulkResults } from './bulk-results';
import { type BulkJob, useBulkRun } from './bulk-run';
import type { ListedOrder, OrderSelection } from './bulk-selection';
import { BulkShipForm, type Shipping, type ShipRow } from './bulk-ship-form';

type Mode = 'idle' | 'ship' | 'cancel';

/** The parts of each order this person ships: one row per order and warehouse of theirs. */
function shipRows(orders: ListedOrder[], user: SessionUser): ShipRow[] {
  return orders.flatMap((order) =>
    [...new Set(order.items.map((i) => i.warehouseId))]
      .filter((w) => user.role === 'admin' || user.warehouseIds.includes(w))
      .map((warehouseId) => ({ key: `${order.id}:${warehouseId}`, order, warehouseId })),
  );
}

function CancelForm({
  count,
  onCancel,
  onClose,
}: {
  count: number;
  onCancel: (reason: string) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reason.trim()) return setError('Say why these orders are cancelled.');
    onCancel(reason.trim());
  }
  return (
    <form className="bulk-form" onSubmit={onSubmit} noValidate aria-label="Cancel the selected orders">
      <div className="field field--grow">
        <label className="field__label" htmlFor={`${id}-reason`}>
          Why are these {count} orders cancelled?
        </label>
        <textarea
          id={`${id}-reason`}
          className="input textarea"
          rows={2}
          maxLength={500}
          value={reason}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        {error && (
          <p className="field__error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
      <div className="button-row">
        <button type="submit" className="button button--danger">
          Cancel {count} orders
        </button>
        <button type="button" className="button" onClick={onClose}>
          Keep them
        </button>
      </div>
    </form>
  );
}

/** Each selected order's own call for pick, ship and cancel, with the order's version where it counts. */
function useBulkJobs(orders: ListedOrder[]) {
  const utils = trpc.useUtils();
  const { byId } = useWarehouses();
  const label = (o: ListedOrder) => `#${o.number}`;
  const pick = (): BulkJob[] =>
    orders.map((o) => ({
      key: o.id,
      orderId: o.id,
      label: label(o),
      call: (idempotencyKey) =>
        utils.client.orders.updateStatus.mutate({
          id: o.id,
          status: 'picking',
          expectedVersion: o.version,
          idempotencyKey,
        }),
    }));
  const ship = (rows: Shipping[]): BulkJob[] =>
    rows.map((r) => ({
      key: r.key,
      orderId: r.order.id,
      label: `${label(r.order)} from ${byId.get(r.warehouseId)?.code ?? '…'}`,
      call: (idempotencyKey) =>
        utils.client.orders.ship.mutate({
          id: r.order.id,
          warehouseId: r.warehouseId,
          carrier: r.carrier,
          trackingNumber: r.trackingNumber,
          idempotencyKey,
        }),
    }));
  const cancel = (reason: string): BulkJob[] =>
    orders.map((o) => ({
      key: o.id,
      orderId: o.id,
      label: label(o),
      call: (idempotencyKey) => utils.client.orders.cancel.mutate({ id: o.id, reason, idempotencyKey }),
    }));
  return { pick, ship, cancel };
}

/**
 * What to do with the ticked orders: pick, ship (carrier and tracking per order), cancel
 * (with a reason). Each order is its own call; the results list each order's outcome.
 */
export function BulkActions({ selection }: { selection: OrderSelection }) {
  const user = useUser();
  const bulk = useBulkRun();
  const [mode, setMode] = useState<Mode>('idle');
  const orders = selection.orders;
  const count = orders.length;
  const jobs = useBulkJobs(orders);

  async function start(action: string, doneText: string, list: BulkJob[]) {
    setMode('idle');
    const outcomes = await bulk.start(action, doneText, list);
    // What succeeded leaves the selection; what was refused stays ticked, to look at or retry.
    const done = new Set(outcomes.filter((o) => o.state === 'done').map((o) => o.orderId));
    selection.set(
      orders.filter((o) => done.has(o.id)),
      false,
    );
  }

  const running = bulk.run !== null && !bulk.run.finished;
  return (
    <>
      {count > 0 && (
        <section className="card bulk-bar" aria-label="Bulk actions">
          <p className="bulk-bar__count" aria-live="polite">
            {count} {count === 1 ? 'order' : 'orders'} selected
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button button--primary"
              disabled={running}
              onClick={() => start('Pick', 'Picking started', jobs.pick())}
            >
              Pick {count}
            </button>
            <button type="button" className="button" disabled={running} onClick={() => setMode('ship')}>
              Ship {count}…
            </button>
            <button
              type="button"
              className="button button--danger-outline"
              disabled={running}
              onClick={() => setMode('cancel')}
            >
              Cancel {count}…
            </button>
            <button type="button" className="button button--ghost" onClick={selection.clear}>
              Clear selection
            </button>
          </div>
          {mode === 'ship' && (
            <BulkShipForm
              rows={shipRows(orders, user)}
              onShip={(rows) => start('Ship', 'Shipped', jobs.ship(rows))}
              onClose={() => setMode('idle')}
            />
          )}
          {mode === 'cancel' && (
            <CancelForm
              count={count}
              onCancel={(reason) => start('Cancel', 'Cancelled', jobs.cancel(reason))}
              onClose={() => setMode('idle')}
            />
          )}
        </section>
      )}
      {bulk.run && <BulkResults run={bulk.run} onDismiss={bulk.dismiss} />}
    </>
  );
}
