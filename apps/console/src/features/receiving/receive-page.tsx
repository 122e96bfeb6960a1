import { useState } from 'react';
import { canManageStock } from '../../auth/permissions';
import { useUser } from '../../auth/session-context';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { ScanField, type ScanMessage } from '../../components/scan-field';
import { WarehouseSelect } from '../../components/warehouse-select';
import { formatNumber } from '../../lib/format';
import { beep, productBySku } from '../../lib/scan';
import { trpc } from '../../trpc';
import { useWarehouses, type Warehouse } from '../warehouses/use-warehouses';

interface Received {
  key: string;
  sku: string;
  name: string;
  quantity: number;
  onHand: number;
}

/**
 * The receiving station: pick the warehouse and how many units each scan counts,
 * then scan. Each scan looks up exactly the SKU scanned and receives the units into
 * it at once (one idempotency key per scan: a retried request is applied once); an
 * unknown SKU is refused and moves nothing.
 */
/** What one scan does: look up exactly the SKU, receive `units` of it, say what happened. */
function useReceiveScans(warehouse: Warehouse | undefined, units: number) {
  const utils = trpc.useUtils();
  const receive = trpc.inventory.receive.useMutation();
  const [message, setMessage] = useState<ScanMessage | null>(null);
  const [log, setLog] = useState<Received[]>([]);
  const [error, setError] = useState<unknown>(null);

  async function onScan(code: string) {
    setError(null);
    if (!warehouse) return;
    try {
      const product = await productBySku((input) => utils.client.products.get.query(input), code);
      if (!product) {
        beep('refused');
        setMessage({ kind: 'refused', text: `Unknown SKU “${code}”: nothing received.` });
        return;
      }
      const key = crypto.randomUUID();
      const level = await receive.mutateAsync({
        warehouseId: warehouse.id,
        sku: product.sku,
        quantity: units,
        reason: 'scanned at receiving',
        idempotencyKey: key,
      });
      beep('ok');
      setMessage({
        kind: 'ok',
        text: `Received ${formatNumber(units)} × ${product.sku} (${product.name}) at ${warehouse.code}: ${formatNumber(level.onHand)} on hand.`,
      });
      const entry = { key, sku: product.sku, name: product.name, quantity: units, onHand: level.onHand };
      setLog((entries) => [entry, ...entries].slice(0, 50));
    } catch (failure) {
      beep('refused');
      setMessage(null);
      setError(failure);
    }
  }
  return { onScan, message, log, error };
}

export function ReceivePage() {
  const user = useUser();
  const { warehouses } = useWarehouses();
  const mine = warehouses.filter((w) => w.active && canManageStock(user, w.id));
  const [warehouseId, setWarehouseId] = useState('');
  const [quantity, setQuantity] = useState('1');
  const warehouse = mine.find((w) => w.id === warehouseId) ?? mine[0];
  const units = Number(quantity);
  const unitsOk = Number.isInteger(units) && units >= 1 && units <= 1_000_000;
  const { onScan, message, log, error } = useReceiveScans(warehouse, units);

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Receive"
        description="Scan products as they come in: each scan receives the units into the exact SKU scanned."
      />
      <section className="card panel stack" aria-label="Receiving station">
        <div className="form-row">
          <WarehouseSelect
            id="receive-warehouse"
            warehouses={mine}
            value={warehouse?.id ?? ''}
            onChange={setWarehouseId}
          />
          <div className="field">
            <label className="field__label" htmlFor="receive-quantity">
              Units per scan
            </label>
            <input
              id="receive-quantity"
              className="input"
              inputMode="numeric"
              value={quantity}
              aria-invalid={!unitsOk}
              onChange={(e) => setQuantity(e.currentTarget.value)}
            />
          </div>
        </div>
        <ScanField
          label="Scan a SKU"
          hint="Scan or type a SKU and press Enter."
          onScan={(code) => void onScan(code)}
          message={message}
          disabled={!warehouse || !unitsOk}
        />
        <ErrorMessage error={error} />
      </section>
      <ReceivedLog log={log} />
    </div>
  );
}

function ReceivedLog({ log }: { log: Received[] }) {
  if (log.length === 0) return null;
  return (
    <section className="card panel" aria-labelledby="received-title">
      <header className="panel__header">
        <h2 id="received-title">Received this session</h2>
      </header>
      <ol className="scan-log">
        {log.map((entry) => (
          <li key={entry.key}>
            <code>{entry.sku}</code> {entry.name} · +{formatNumber(entry.quantity)} ·{' '}
            <span className="text-muted">{formatNumber(entry.onHand)} on hand</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
