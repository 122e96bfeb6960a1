/**
 * Money is integer minor units. Tax is one configurable rate (basis points) on
 * the subtotal, rounded half up to the minor unit — see docs/design.md.
 *
 * Sums are computed in BigInt (exact at any size), then checked against
 * MAX_MONEY_MINOR before they become numbers: a total above the cap is refused
 * (VALIDATION_FAILED naming the field) before anything is written, so every
 * amount stored or answered is an exact integer, far inside
 * Number.MAX_SAFE_INTEGER and PostgreSQL's bigint.
 */
import { validationFailed } from '../shared/errors.js';

export interface PricingOptions {
  /** Tax rate in basis points (825 = 8.25 %). */
  taxRateBps?: number;
}

const DEFAULT_TAX_RATE_BPS = 825;

/** The most one order (or cart) may total, tax included: 10^13 minor units (100 billion at 2 decimals). */
export const MAX_MONEY_MINOR = 10_000_000_000_000;

/** Subtotal, tax and total in exact integers, whatever their size. */
export function sumLines(
  lines: { quantity: number; unitPriceMinor: number }[],
  options: PricingOptions = {},
) {
  const rate = BigInt(options.taxRateBps ?? DEFAULT_TAX_RATE_BPS);
  let subtotal = 0n;
  for (const l of lines) subtotal += BigInt(l.quantity) * BigInt(l.unitPriceMinor);
  // Half up: amounts are never negative, so adding half the divisor and flooring is exact.
  const tax = (subtotal * rate + 5_000n) / 10_000n;
  return { subtotal, tax, total: subtotal + tax };
}

export function priceLines(
  lines: { quantity: number; unitPriceMinor: number }[],
  options: PricingOptions = {},
  /** The input field to name when the total is too large. */
  field = 'lines',
) {
  const { subtotal, tax, total } = sumLines(lines, options);
  if (total > BigInt(MAX_MONEY_MINOR)) {
    throw validationFailed(
      `${field}: this would total ${total} minor units, more than one order may (${MAX_MONEY_MINOR}); order fewer units`,
      { field, limit: MAX_MONEY_MINOR, totalMinor: total.toString() },
    );
  }
  return { subtotalMinor: Number(subtotal), taxMinor: Number(tax), totalMinor: Number(total) };
}
