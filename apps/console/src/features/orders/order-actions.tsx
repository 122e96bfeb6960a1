import { type FormEvent, useId, useState } from 'react';
import { canOperateOrder } from '../../auth/permissions';
import { useUser } from '../../auth/session-context';
import { ErrorMessage } from '../../components/error-message';
import { useActionKeys } from '../../lib/idempotency';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { nextSteps, type Order, type OrderStatus } from './statuses';

const CARRIERS = ['UPS', 'FedEx', 'USPS', 'DHL'];

function useRefreshOrder(id: string) {
  const utils = trpc.useUtils();
  return () => Promise.all([utils.orders.get.invalidate({ id }), utils.orders.list.invalidate()]);
}

/** One status move (pick, deliver, retry), sent against the version on screen. */
function StatusButton({
  order,
  to,
  label,
  primary,
}: {
  order: Order;
  to: OrderStatus;
  label: string;
  primary?: boolean;
}) {
  const keys = useActionKeys();
  const mutation = trpc.orders.updateStatus.useMutation();
  const refresh = useRefreshOrder(order.id);
  async function run() {
    const input = { id: order.id, status: to, expectedVersion: order.version };
    try {
      await mutation.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      keys.done();
      await refresh();
    } catch {
      // Shown below the button.
    }
  }
  return (
    <div className="action">
      <button
        type="button"
        className={`button${primary ? ' button--primary' : ''}`}
        onClick={run}
        disabled={mutation.isPending}
      >
        {mutation.isPending ? 'Saving…' : label}
      </button>
      <ErrorMessage error={mutation.error} />
    </div>
  );
}

/** Ship what one warehouse holds of the order: carrier and tracking number. */
function ShipForm({ order, warehouseId }: { order: Order; warehouseId: string }) {
  const id = useId();
  const keys = useActionKeys();
  const { byId } = useWarehouses();
  const mutation = trpc.orders.ship.useMutation();
  const refresh = useRefreshOrder(order.id);
  const [carrier, setCarrier] = useState('UPS');
  const [tracking, setTracking] = useState('');
  const [error, setError] = useState<string | null>(null);
  const code = byId.get(warehouseId)?.code ?? 'this warehouse';

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!carrier.trim() || !tracking.trim()) {
      setError('Enter the carrier and the tracking number.');
      return;
    }
    setError(null);
    const input = { id: order.id, warehouseId, carrier: carrier.trim(), trackingNumber: tracking.trim() };
    try {
      await mutation.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      keys.done();
      await refresh();
    } catch {
      // Shown below the form.
    }
  }

  return (
    <form className="ship-form" onSubmit={onSubmit} noValidate aria-label={`Ship from ${code}`}>
      <p className="ship-form__title">Ship from {code}</p>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-carrier`}>
          Carrier
        </label>
        <input
          id={`${id}-carrier`}
          className="input"
          list={`${id}-carriers`}
          value={carrier}
          onChange={(e) => setCarrier(e.currentTarget.value)}
        />
        <datalist id={`${id}-carriers`}>
          {CARRIERS.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </div>
      <div className="field field--grow">
        <label className="field__label" htmlFor={`${id}-tracking`}>
          Tracking number
        </label>
        <input
          id={`${id}-tracking`}
          className="input"
          autoComplete="off"
          spellCheck={false}
          value={tracking}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setTracking(e.currentTarget.value)}
        />
      </div>
      <button type="submit" className="button button--primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Shipping…' : `Ship from ${code}`}
      </button>
      {error && (
        <p className="field__error ship-form__error" role="alert">
          {error}
        </p>
      )}
      <ErrorMessage error={mutation.error} className="ship-form__error" />
    </form>
  );
}

/** Cancel before shipping, saying why; held stock is released or put back on the shelf. */
function CancelForm({ order }: { order: Order }) {
  const id = useId();
  const keys = useActionKeys();
  const mutation = trpc.orders.cancel.useMutation();
  const refresh = useRefreshOrder(order.id);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reason.trim()) {
      setError('Say why the order is cancelled.');
      return;
    }
    setError(null);
    const input = { id: order.id, reason: reason.trim() };
    try {
      await mutation.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      keys.done();
      await refresh();
    } catch {
      // Shown below the form.
    }
  }

  if (!open) {
    return (
      <button type="button" className="button button--danger-outline" onClick={() => setOpen(true)}>
        Cancel order…
      </button>
    );
  }
  return (
    <form className="cancel-form" onSubmit={onSubmit} noValidate>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-reason`}>
          Why is order #{order.number} cancelled?
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
        <button type="submit" className="button button--danger" disabled={mutation.isPending}>
          {mutation.isPending ? 'Cancelling…' : 'Cancel order'}
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Keep order
        </button>
      </div>
      <ErrorMessage error={mutation.error} />
    </form>
  );
}

/** What staff can do next with this order, and only that. */
export function OrderActions({ order }: { order: Order }) {
  const user = useUser();
  const warehouseIds = [...new Set(order.items.map((i) => i.warehouseId))];
  const steps = nextSteps(order.status);
  if (!canOperateOrder(user, warehouseIds)) {
    return (
      <p className="text-muted">
        This order is served by warehouses you do not work in: you can view it only.
      </p>
    );
  }
  const shipped = new Set(order.shipments.map((s) => s.warehouseId));
  const toShip = warehouseIds.filter(
    (w) => !shipped.has(w) && (user.role === 'admin' || user.warehouseIds.includes(w)),
  );
  const nothing = !steps.pick && !steps.ship && !steps.deliver && !steps.retry && !steps.cancel;

  return (
    <div className="stack">
      {order.status === 'pending_payment' && (
        <p className="text-muted">
          Waiting for the customer’s payment; the units stay held until the hold expires.
        </p>
      )}
      {steps.retry && <StatusButton order={order} to="paid" label="Try to allocate again" primary />}
      {steps.pick && <StatusButton order={order} to="picking" label="Start picking" primary />}
      {steps.ship &&
        (toShip.length > 0 ? (
          toShip.map((w) => <ShipForm key={w} order={order} warehouseId={w} />)
        ) : (
          <p className="text-muted">Your warehouses have shipped their part; waiting for the others.</p>
        ))}
      {steps.deliver && <StatusButton order={order} to="delivered" label="Mark delivered" primary />}
      {steps.cancel && <CancelForm order={order} />}
      {nothing && (
        <p className="text-muted">Nothing left to do: this order is {order.status.replace(/_/g, ' ')}.</p>
      )}
    </div>
  );
}
