import { useRef, useState } from 'react';
import { useUser } from '../../auth/session-context';
import { ScanField, type ScanOutcome, useSkuLookup } from '../../components/scan-field';
import { formatNumber } from '../../lib/format';
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
 * Check a pick by scanning: each scan of a SKU of this order counts one unit against its
 * line. A SKU not in the order, an unknown one, or one unit too many is refused (alert and
 * a low beep). The count is a check kept on this screen; it changes nothing on the server.
 */
export function PackScan({ order }: { order: Order }) {
  const user = useUser();
  const lookup = useSkuLookup();
  const wanted = unitsToPick(order, (w) => user.role === 'admin' || user.warehouseIds.includes(w));
  const counts = useRef(new Map<string, number>());
  const [scanned, setScanned] = useState<ReadonlyMap<string, number>>(new Map());
  const total = [...wanted.values()].reduce((a, b) => a + b, 0);

  async function onScan(sku: string): Promise<ScanOutcome> {
    const quantity = wanted.get(sku);
    if (quantity === undefined) {
      const other = await lookup(sku);
      return {
        ok: false,
        message: other
          ? `Refused: ${other.sku} (${other.name}) is not in order #${order.number}.`
          : `Refused: no product has the SKU “${sku}”.`,
      };
    }
    const done = counts.current.get(sku) ?? 0;
    if (done >= quantity)
      return { ok: false, message: `Refused: all ${formatNumber(quantity)} of ${sku} are already scanned.` };
    counts.current.set(sku, done + 1);
    setScanned(new Map(counts.current));
    const all = [...counts.current.values()].reduce((a, b) => a + b, 0);
    return {
      ok: true,
      message:
        all === total
          ? `${sku} scanned. All ${formatNumber(total)} units of order #${order.number} are scanned.`
          : `${sku} scanned: ${formatNumber(done + 1)} of ${formatNumber(quantity)}.`,
    };
  }

  if (wanted.size === 0) return null;
  return (
    <section className="card panel" aria-labelledby="pack-scan-title">
      <header className="panel__header">
        <h2 id="pack-scan-title">Scan to check the pick</h2>
        <button
          type="button"
          className="button button--small button--ghost"
          onClick={() => {
            counts.current = new Map();
            setScanned(new Map());
          }}
        >
          Start over
        </button>
      </header>
      <ScanField label="Scan an item" hint="Each scan counts one unit of the order." onScan={onScan} />
      <ul className="pack-scan__lines">
        {[...wanted].map(([sku, quantity]) => {
          const got = scanned.get(sku) ?? 0;
          return (
            <li key={sku} className={got === quantity ? 'pack-scan__line--done' : undefined}>
              <code>{sku}</code> {formatNumber(got)} / {formatNumber(quantity)} scanned
              {got === quantity && <span className="badge badge--success">complete</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
