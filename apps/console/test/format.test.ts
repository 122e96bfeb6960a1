import { describe, expect, it } from 'vitest';
import {
  formatCountdown,
  formatMoney,
  formatRelative,
  formatSigned,
  formatStatus,
  formatWhen,
  shortenReference,
} from '../src/lib/format';

describe('formatMoney', () => {
  it('reads integer minor units in the currency’s own digits', () => {
    expect(formatMoney(19_900, 'USD')).toBe('$199.00');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(1_500, 'JPY')).toBe('¥1,500');
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
    expect(formatWhen(new Date(2026, 2, 1, 9, 5, 7).toISOString(), now)).toBe('09:05:07 AM');
    expect(formatWhen(new Date(2026, 1, 27, 9, 5, 7).toISOString(), now)).toBe('Feb 27, 09:05 AM');
  });
});

describe('small formats', () => {
  it('signs deltas', () => {
    expect(formatSigned(10)).toBe('+10');
    expect(formatSigned(-1_200)).toBe('-1,200');
    expect(formatSigned(0)).toBe('0');
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
