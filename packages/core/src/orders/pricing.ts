/**
 * Money is integer minor units. Tax is one configurable rate (basis points) on
 * the subtotal, rounded half up to the minor unit — see docs/design.md.
 */
export interface PricingOptions {
  /** Tax rate in basis points (825 = 8.25 %). */
  taxRateBps?: number;
}

export const DEFAULT_TAX_RATE_BPS = 825;

export function priceLines(
  lines: { quantity: number; unitPriceMinor: number }[],
  options: PricingOptions = {},
) {
  const rate = options.taxRateBps ?? DEFAULT_TAX_RATE_BPS;
  const subtotalMinor = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0);
  const taxMinor = Math.round((subtotalMinor * rate) / 10_000);
  return { subtotalMinor, taxMinor, totalMinor: subtotalMinor + taxMinor };
}
