import { useEffect, useRef } from 'react';
import { ScanField, type ScanOutcome, useSkuLookup } from '../../components/scan-field';
import { formatNumber } from '../../lib/format';

/**
 * Count a delivery by scanning it: each scan of this product's SKU adds one unit to
 * "Units received". A scan of any other SKU is refused (it names the product it is,
 * if any) and counts nothing, so units never land on a look-alike SKU.
 */
export function ReceiveScan({
  sku,
  amount,
  onAmount,
}: {
  sku: string;
  amount: string;
  onAmount: (amount: string) => void;
}) {
  const lookup = useSkuLookup();
  // Scans arrive faster than renders: count from the latest value, not the last render's.
  const units = useRef(amount);
  useEffect(() => {
    units.current = amount;
  }, [amount]);

  async function onScan(scanned: string): Promise<ScanOutcome> {
    if (scanned === sku) {
      const before = Number(units.current.trim());
      const next = (Number.isInteger(before) && before > 0 ? before : 0) + 1;
      units.current = String(next);
      onAmount(units.current);
      return {
        ok: true,
        message: `${sku} scanned: ${formatNumber(next)} ${next === 1 ? 'unit' : 'units'} to receive.`,
      };
    }
    const other = await lookup(scanned);
    return {
      ok: false,
      message: other
        ? `Refused: ${other.sku} (${other.name}) is not ${sku}. Nothing was counted; receive it on its own page.`
        : `Refused: no product has the SKU “${scanned}”. Nothing was counted.`,
    };
  }

  return (
    <ScanField
      label={`Scan units of ${sku}`}
      hint="Each scan of this SKU adds one unit received."
      onScan={onScan}
    />
  );
}
