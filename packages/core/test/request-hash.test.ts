/**
 * An idempotency record stores the hash of its request; a retry is recognised
 * only if it hashes the same. The hash must not change between versions (a
 * retry may reach a newer process within the key's 24 hours), whatever order
 * the client sent the fields in.
 */
import { expect, it } from 'vitest';
import { requestHash } from '../src/idempotency/index.js';

const input = {
  shipTo: { longitude: -73.98, latitude: 40.75 },
  lines: [
    { sku: 'LAMP-1', quantity: 2, warehouseId: undefined },
    { quantity: 1, sku: 'Ünïcode "q"' },
  ],
  note: undefined,
  Z: [null, undefined, 3, 'x'],
  a: {},
  b: [],
  é: true,
  '10': 1,
  '9': 2,
};

it('hashes a request exactly as earlier versions stored it', () => {
  // The value the previous implementation computed for this input (sorted keys,
  // undefined members dropped, undefined array items as null).
  expect(requestHash(input)).toBe('30fc12fd98cd2cd8a252becb72e13dd870974ac2216ba052bce5e549aba3bb19');
});

it('ignores the order of fields but not of array items', () => {
  const reordered = {
    '9': 2,
    é: true,
    b: [],
    a: {},
    Z: [null, undefined, 3, 'x'],
    lines: [
      { quantity: 2, sku: 'LAMP-1' },
      { sku: 'Ünïcode "q"', quantity: 1 },
    ],
    shipTo: { latitude: 40.75, longitude: -73.98 },
    '10': 1,
  };
  expect(requestHash(reordered)).toBe(requestHash(input));
  expect(requestHash({ ...input, lines: [...input.lines].reverse() })).not.toBe(requestHash(input));
  expect(requestHash({ ...input, note: 'x' })).not.toBe(requestHash(input));
});
