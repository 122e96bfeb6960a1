/**
 * Money for sellers' pages, in the browser's locale. Revenue arrives as a
 * string of digits in minor units (exact beyond 2^53), so it is turned into a
 * decimal string and formatted without passing through a float.
 */

function currencyFormat(currency: string, locale?: string): Intl.NumberFormat {
  return new Intl.NumberFormat(locale, { style: 'currency', currency });
}

const fractionDigits = (currency: string): number =>
  currencyFormat(currency, 'en-US').resolvedOptions().maximumFractionDigits ?? 2;

/** "1234500" USD → "$12,345.00" (in the browser's locale). */
export function formatMinorDigits(minor: string | number, currency: string, locale?: string): string {
  const digits = String(minor);
  const d = fractionDigits(currency);
  const padded = digits.padStart(d + 1, '0');
  const decimal = d === 0 ? padded : `${padded.slice(0, -d)}.${padded.slice(-d)}`;
  return currencyFormat(currency, locale).format(decimal as Intl.StringNumericLiteral);
}

export function formatUnits(units: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(units);
}

/** "19.99" USD → 1999; undefined when it is not an amount with at most the currency's decimals. */
export function parseMajorAmount(text: string, currency: string): number | undefined {
  const d = fractionDigits(currency);
  const match = /^(\d{1,13})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > d) return undefined;
  return Number(match[1]) * 10 ** d + Number(fraction.padEnd(d, '0') || '0');
}

/** 1999 USD → "19.99" for an input field. */
export function minorToMajorText(minor: number, currency: string): string {
  const d = fractionDigits(currency);
  if (d === 0) return String(minor);
  const padded = String(minor).padStart(d + 1, '0');
  return `${padded.slice(0, -d)}.${padded.slice(-d)}`;
}
