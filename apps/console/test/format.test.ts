import { describe, expect, it } from 'vitest';
import {
  formatCountdown,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatRelative,
  formatSigned,
  formatStatus,
  formatWhen,
  shortenReference,
} from '../src/lib/format';

describe('formatMoney', () => {
  it('reads integer minor units in the currency’s own digits', () => {
    expect(formatMoney(19_900, 'USD', 'en-US')).toBe('$199.00');
    expect(formatMoney(5, 'USD', 'en-US')).toBe('$0.05');
    expect(formatMoney(1_500, 'JPY', 'en-US')).toBe('¥1,500');
  });

  it('writes money the way the reader’s locale does', () => {
    expect(formatMoney(123_450, 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
    expect(formatMoney(19_900, 'USD', 'de-DE')).toBe('199,00\u00a0$');
    expect(formatMoney(123_450, 'EUR', 'fr-FR')).toBe('1\u202f234,50\u00a0€');
  });
});

describe('locale-aware numbers and dates', () => {
  it('groups and separates decimals per locale', () => {
    expect(formatNumber(1234.5, 'de-DE')).toBe('1.234,5');
    expect(formatNumber(1234.5, 'en-US')).toBe('1,234.5');
    expect(formatNumber(1234.5, ['de-DE', 'en-US'])).toBe('1.234,5');
    expect(formatSigned(1200, 'de-DE')).toBe('+1.200');
  });

  it('writes dates and times per locale', () => {
    const iso = new Date(2026, 1, 27, 14, 5, 7).toISOString();
    expect(formatDateTime(iso, 'en-US')).toBe('Feb 27, 02:05:07 PM');
    expect(formatDateTime(iso, 'de-DE')).toBe('27. Feb., 14:05:07');
    const now = new Date(2026, 2, 1, 18, 0, 0).getTime();
    expect(formatWhen(iso, now, 'de-DE')).toBe('27. Feb., 14:05');
    expect(formatWhen(new Date(2026, 2, 1, 9, 5, 7).toISOString(), now, 'de-DE')).toBe('09:05:07');
  });

  it('uses the browser’s preferred languages when no locale is given', () => {
    const languages = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', {
      value: { languages: ['de-DE', 'en'] },
      configurable: true,
    });
    try {
      expect(formatNumber(1234.5)).toBe('1.234,5');
      expect(formatMoney(19_900, 'EUR')).toBe('199,00\u00a0€');
    } finally {
      if (languages) Object.defineProperty(globalThis, 'navigator', languages);
    }
  });
});

describe('formatCountdown', () => {
  it('shows minutes and seconds, with hours when needed', () => {
    expect(formatCountdown(905_000)).toBe('15:05');
    expect(formatCountdown(3_725_000)).toBe('1:02:05');
    expect(formatCountdown(400)).toBe('0:01');
  });

  it('stops at zero', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5_000)).toBe('0:00');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it('says how long ago', () => {
    expect(formatRelative('2026-03-01T11:59:55Z', now)).toBe('just now');
    expect(formatRelative('2026-03-01T11:57:00Z', now)).toBe('3 minutes ago');
    expect(formatRelative('2026-03-01T10:00:00Z', now)).toBe('2 hours ago');
    expect(formatRelative('2026-02-28T12:00:00Z', now)).toBe('yesterday');
  });
});

describe('formatWhen', () => {
  it('shows only the time for today and adds the day otherwise', () => {
    const now = new Date(2026, 2, 1, 18, 0, 0).getTime();
    expect(formatWhen(new Date(2026, 2, 1, 9, 5, 7).toISOString(), now, 'en-US')).toBe('09:05:07 AM');
    expect(formatWhen(new Date(2026, 1, 27, 9, 5, 7).toISOString(), now, 'en-US')).toBe('Feb 27, 09:05 AM');
  });
});

describe('small formats', () => {
  it('signs deltas', () => {
    expect(formatSigned(10, 'en-US')).toBe('+10');
    expect(formatSigned(-1_200, 'en-US')).toBe('-1,200');
    expect(formatSigned(0, 'en-US')).toBe('0');
  });

  it('writes statuses as words', () => {
    expect(formatStatus('needs_attention')).toBe('Needs attention');
  });

  it('shortens ids in references', () => {
    expect(shortenReference('order:0f8c49b6-aaaa-4bbb-8ccc-1234567890ab')).toBe('order 0f8c49b6');
    expect(shortenReference('306b1f07-5a41-4642-be9e-8ef9ce225b69')).toBe('306b1f07');
    expect(shortenReference('PO-1042')).toBe('PO-1042');
  });
});
