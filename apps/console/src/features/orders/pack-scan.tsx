import { useState } from 'react';
import { useUser } from '../../auth/session-context';
import { ScanField, type ScanMessage } from '../../components/scan-field';
import { formatNumber } from '../../lib/format';
import { beep, productBySku } from '../../lib/scan';
import { trpc } from '../../trpc';
import type { Order } from './statuses';

/** Units of each SKU this person picks for the order (their warehouses' lines; admins all). */
function unitsToPick(order: Order, mine: (warehouseId: string) => boolean): Map<string, number> {
  const units = new Map<string, number>();
  for (const item of order.items) {
    if (mine(item.warehouseId)) units.set(item.sku, (units.get(item.sku) ?? 0) + item.quantity);
  }
  return units;
}

/**
 * Check a pick by scanning (pick/pack): each scan of a SKU of this order counts one unit
 * against its line; a SKU not in the order, an unknown one, or one unit too many is
 * refused (alert and a low tone). The count is a check on this screen; it changes
 * nothing on the server. (After the idea of helper branch e-scan.)
 */
export function PackScan({ order }: { order: Order }) {
  const user = useUser();
  const utils = trpc.useUtils();
  const wanted = unitsToPick(order, (w) => user.role === 'admin' || user.warehouseIds.includes(w));
  const [counts, setCounts] = useState<ReadonlyMap<string, number>>(new Map());
  const [message, setMessage] = useState<ScanMessage | null>(null);
  const total = [...wanted.values()].reduce((a, b) => a + b, 0);

  async function onScan(code: string) {
    const sku = [...wanted.keys()].find((s) => s.toLowerCase() === code.toLowerCase());
    const refuse = (text: string) => {
      beep('refused');
      setMessage({ kind: 'refused', text });
    };
    if (!sku) {
      const other = await productBySku((input) => utils.client.products.get.query(input), code).catch(
        () => null,
      );
      return refuse(
        other
          ? `${other.sku} (${other.name}) is not in order #${order.number}.`
          : `No product has the SKU “${code}”.`,
      );
    }
    const quantity = wanted.get(sku) ?? 0;
    const done = counts.get(sku) ?? 0;
    if (done >= quantity) return refuse(`All ${formatNumber(quantity)} of ${sku} are already scanned.`);
    const next = new Map(counts).set(sku, done + 1);
    setCounts(next);
    beep('ok');
    const all = [...next.values()].reduce((a, b) => a + b, 0);
    setMessage({
      kind: 'ok',
      text:
        all === total
          ? `${sku} scanned. All ${formatNumber(total)} units of order #${order.number} are scanned.`
          : `${sku} scanned: ${formatNumber(done + 1)} of ${formatNumber(quantity)}.`,
    });
  }

  if (wanted.size === 0) return null;
  return (
    <section className="card panel" aria-labelledby="pack-scan-title">
      <header className="panel__header">
        <h2 id="pack-scan-title">Scan to check the pick</h2>
      </header>
      <ScanField
        label="Scan an item"
        hint="Each scan counts one unit of the order."
        onScan={(code) => void onScan(code)}
        message={message}
        autoFocus={false}
      />
      <ul className="scan-log" aria-label="Units scanned per line">
        {[...wanted].map(([sku, quantity]) => (
          <li key={sku}>
            <code>{sku}</code> {formatNumber(counts.get(sku) ?? 0)} / {formatNumber(quantity)} scanned
          </li>
        ))}
      </ul>
    </section>
  );
}
