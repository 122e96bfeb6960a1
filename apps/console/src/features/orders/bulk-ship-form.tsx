import { type FormEvent, useId, useState } from 'react';
import { useWarehouses } from '../warehouses/use-warehouses';
import type { ListedOrder } from './bulk-selection';

export interface ShipRow {
  key: string;
  order: ListedOrder;
  warehouseId: string;
}

export type Shipping = ShipRow & { carrier: string; trackingNumber: string };

const CARRIERS = ['UPS', 'FedEx', 'USPS', 'DHL'];
const TRACKING = /^[\w .:/-]+$/;

function rowError(carrier: string, tracking: string): string | null {
  if (!carrier.trim()) return 'Enter the carrier.';
  if (!tracking.trim()) return 'Enter the tracking number.';
  if (!TRACKING.test(tracking.trim())) return 'Tracking numbers use letters, digits, spaces and . : / - _';
  return null;
}

interface LineValue {
  carrier: string;
  tracking: string;
}

function ShipLine({
  id,
  row,
  value,
  error,
  onChange,
}: {
  id: string;
  row: ShipRow;
  value: LineValue;
  error: string | undefined;
  onChange: (change: Partial<LineValue>) => void;
}) {
  const { byId } = useWarehouses();
  const code = byId.get(row.warehouseId)?.code ?? '…';
  const what = `order #${row.order.number} from ${code}`;
  const errorId = `${id}-${row.key}-error`;
  return (
    <tr>
      <th scope="row">#{row.order.number}</th>
      <td>{code}</td>
      <td>
        <input
          className="input"
          list={`${id}-carriers`}
          aria-label={`Carrier for ${what}`}
          value={value.carrier}
          onChange={(e) => onChange({ carrier: e.currentTarget.value })}
        />
      </td>
      <td>
        <input
          className="input"
          autoComplete="off"
          spellCheck={false}
          aria-label={`Tracking number for ${what}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          value={value.tracking}
          onChange={(e) => onChange({ tracking: e.currentTarget.value })}
        />
        {error && (
          <p className="field__error" id={errorId}>
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}

/** Ship the selected orders: one line per order (and warehouse), each with its carrier and tracking number. */
export function BulkShipForm({
  rows,
  onShip,
  onClose,
}: {
  rows: ShipRow[];
  onShip: (rows: Shipping[]) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [values, setValues] = useState<Record<string, LineValue>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const value = (key: string) => values[key] ?? { carrier: 'UPS', tracking: '' };
  const update = (key: string, change: Partial<LineValue>) =>
    setValues((v) => ({ ...v, [key]: { ...value(key), ...change } }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: Record<string, string> = {};
    for (const row of rows) {
      const error = rowError(value(row.key).carrier, value(row.key).tracking);
      if (error) found[row.key] = error;
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    onShip(
      rows.map((row) => ({
        ...row,
        carrier: value(row.key).carrier.trim(),
        trackingNumber: value(row.key).tracking.trim(),
      })),
    );
  }

  if (rows.length === 0)
    return <p className="text-muted">None of the selected orders ships from your warehouses.</p>;
  return (
    <form className="bulk-form" onSubmit={onSubmit} noValidate aria-label="Ship the selected orders">
      <datalist id={`${id}-carriers`}>
        {CARRIERS.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <table className="table bulk-ship">
        <caption className="visually-hidden">Carrier and tracking number per order</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">From</th>
            <th scope="col">Carrier</th>
            <th scope="col">Tracking number</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <ShipLine
              key={row.key}
              id={id}
              row={row}
              value={value(row.key)}
              error={errors[row.key]}
              onChange={(change) => update(row.key, change)}
            />
          ))}
        </tbody>
      </table>
      <div className="button-row">
        <button type="submit" className="button button--primary">
          Ship {rows.length} {rows.length === 1 ? 'shipment' : 'shipments'}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Not now
        </button>
      </div>
    </form>
  );
}
