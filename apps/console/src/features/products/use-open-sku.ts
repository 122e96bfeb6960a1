import { useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { beep, useSkuLookup } from '../../components/scan-field';
import { errorInfo } from '../../lib/errors';

/**
 * Enter in the search box: open the product whose SKU is exactly the text typed
 * at that moment, looked up fresh (a scanner types faster than search settles).
 * The latest Enter wins; an unknown SKU is refused, never swapped for a near match.
 */
export function useOpenSku() {
  const [, navigate] = useLocation();
  const lookup = useSkuLookup();
  const latest = useRef(0);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [looking, setLooking] = useState(false);

  async function openSku(text: string) {
    const sku = text.trim();
    const turn = ++latest.current;
    setRefusal(null);
    if (!sku) return;
    setLooking(true);
    try {
      const product = await lookup(sku);
      if (turn !== latest.current) return;
      if (product) {
        navigate(`/products/${encodeURIComponent(product.sku)}`);
        return;
      }
      beep(false);
      setRefusal(`No product has the SKU “${sku}”. Choose a result with ↑ ↓ and Enter, or click it.`);
    } catch (error) {
      if (turn === latest.current) setRefusal(errorInfo(error).message);
    } finally {
      if (turn === latest.current) setLooking(false);
    }
  }

  return { openSku, refusal, looking, clearRefusal: () => setRefusal(null) };
}
