/**
 * The pure parts of webhooks: the retry schedule lasts at least 24 hours even
 * with the unluckiest jitter, the URL policy refuses every non-public range
 * (including IPv6 forms that embed IPv4) and names the reason, and secrets
 * round-trip through encryption only with the right key. Delivery itself is
 * tested end to end in apps/api/test/webhooks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  checkWebhookUrl,
  DEFAULT_SCHEDULE,
  decryptWebhookSecret,
  deriveWebhookKey,
  encryptWebhookSecret,
  generateWebhookSecret,
  refusedRange,
  retryDelayMs,
} from '../src/index.js';

const totalRetryMs = (random: () => number) => {
  let total = 0;
  for (let attempt = 1; attempt < DEFAULT_SCHEDULE.maxAttempts; attempt++) {
    total += retryDelayMs(attempt, DEFAULT_SCHEDULE.retryBaseMs, random);
  }
  return total;
};

describe('retry schedule', () => {
  it('grows 4× from 30 s, is capped at 6 h, and spans at least 24 h (at most ~30 h) whatever the jitter', () => {
    const nominal = [1, 2, 3, 4, 5, 6, 7].map((a) => retryDelayMs(a, 30_000, () => 0.5));
    expect(nominal).toEqual([30_000, 120_000, 480_000, 1_920_000, 7_680_000, 21_600_000, 21_600_000]);
    const hour = 3600_000;
    expect(totalRetryMs(() => 0)).toBeGreaterThanOrEqual(24 * hour);
    expect(totalRetryMs(() => 0.999_999)).toBeLessThanOrEqual(30 * hour);
  });
});

describe('URL policy', () => {
  const strict = { allowPrivate: false };
  const resolveTo = (address: string) => async () => [
    { address, family: address.includes(':') ? 6 : 4 } as const,
  ];

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:192.168.0.1', 'private'],
    ['2002:c0a8:0101::1', '6to4'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['::127.0.0.1', 'loopback'],
    ['100::1', 'discard'],
    // IPv4-compatible (::/96) as a URL normalises it ([::127.0.0.1] → [::7f00:1]), which
    // ipaddr.js calls unicast; an unassigned block.
    ['::7f00:1', 'notGlobalUnicast'],
    ['::a00:1', 'notGlobalUnicast'],
    ['4000::1', 'notGlobalUnicast'],
  ])('%s is refused as %s', (address, range) => {
    expect(refusedRange(address)).toBe(range);
  });

  it('public unicast addresses pass', () => {
    expect(refusedRange('93.184.215.14')).toBeUndefined();
    expect(refusedRange('2606:2800:21f:cb07:6820:80da:af6b:8b2c')).toBeUndefined();
  });

  it('a name is judged by every address it resolves to', async () => {
    await expect(
      checkWebhookUrl('https://hooks.example.com/x', strict, resolveTo('93.184.215.14')),
    ).resolves.toBe('https://hooks.example.com/x');
    const refused = checkWebhookUrl('https://rebind.example.com/x', strict, async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ]);
    await expect(refused).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'url', reason: 'private' },
    });
    await expect(checkWebhookUrl('https://nowhere.invalid/x', strict, async () => [])).rejects.toMatchObject({
      details: { reason: 'dns' },
    });
  });

  it('an IPv4-compatible IPv6 literal in a URL is refused (found by an attacker review)', async () => {
    for (const url of [
      'https://[::127.0.0.1]/',
      'https://[::10.0.0.1]/hook',
      'https://[::169.254.169.254]/',
    ]) {
      await expect(checkWebhookUrl(url, strict)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { field: 'url', reason: 'notGlobalUnicast' },
      });
    }
  });

  it('http and private addresses only when allowed', async () => {
    await expect(checkWebhookUrl('http://93.184.215.14/x', strict)).rejects.toMatchObject({
      details: { reason: 'scheme' },
    });
    await expect(checkWebhookUrl('http://127.0.0.1:8080/x', { allowPrivate: true })).resolves.toBe(
      'http://127.0.0.1:8080/x',
    );
  });
});

describe('secrets', () => {
  it('are whsec_ + 32 random bytes, stored encrypted, readable only with the same key', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateWebhookSecret()).not.toBe(secret);
    const key = deriveWebhookKey('one key material, long enough to matter');
    const stored = encryptWebhookSecret(secret, key);
    expect(stored).not.toContain(secret.slice(6));
    expect(decryptWebhookSecret(stored, key)).toBe(secret);
    expect(() => decryptWebhookSecret(stored, deriveWebhookKey('another key'))).toThrow();
  });
});
