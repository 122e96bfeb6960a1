import { describe, expect, it } from 'vitest';
import { formatMinorDigits, minorToMajorText, parseMajorAmount } from '../src/features/sellers/money';

describe("sellers' money", () => {
  it('formats revenue digits exactly, beyond 2^53, in the given locale', () => {
    expect(formatMinorDigits('3750', 'USD', 'en-US')).toBe('$37.50');
    expect(formatMinorDigits('5', 'USD', 'en-US')).toBe('$0.05');
    expect(formatMinorDigits('27021597764222979', 'USD', 'en-US')).toBe('$270,215,977,642,229.79');
    expect(formatMinorDigits('1234', 'JPY', 'en-US')).toBe('¥1,234');
    expect(formatMinorDigits('123456', 'EUR', 'de-DE')).toBe('1.234,56\u00a0€');
  });

  it('reads a price typed in major units, refusing more decimals than the currency has', () => {
    expect(parseMajorAmount('12.50', 'USD')).toBe(1250);
    expect(parseMajorAmount('12', 'USD')).toBe(1200);
    expect(parseMajorAmount('0.5', 'USD')).toBe(50);
    expect(parseMajorAmount('1.234', 'USD')).toBeUndefined();
    expect(parseMajorAmount('1.5', 'JPY')).toBeUndefined();
    expect(parseMajorAmount('-1', 'USD')).toBeUndefined();
    expect(parseMajorAmount('abc', 'USD')).toBeUndefined();
    expect(minorToMajorText(1250, 'USD')).toBe('12.50');
    expect(minorToMajorText(5, 'USD')).toBe('0.05');
    expect(minorToMajorText(700, 'JPY')).toBe('700');
  });
});
