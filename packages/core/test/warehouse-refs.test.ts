/** Warehouse codes resolved to ids wherever an input names a warehouse. */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveWarehouseRefs } from '../src/index.js';
import { makeWarehouse } from './factories.js';

let t: TestDatabase;
let a: { id: string; code: string };
let b: { id: string; code: string };

beforeAll(async () => {
  t = await createTestDatabase();
  a = await makeWarehouse(t.db, { code: 'REF-A' });
  b = await makeWarehouse(t.db, { code: 'REF-B' });
});
afterAll(() => t.destroy());

it('replaces codes in warehouseId fields at any depth and in warehouseIds lists; ids and other fields stay', async () => {
  const input = {
    warehouseId: 'REF-A',
    lines: [
      { sku: 'REF-A', warehouseId: 'REF-B' },
      { sku: 'X', warehouseId: a.id },
    ],
    warehouseIds: ['REF-B', a.id],
    code: 'REF-A',
  };
  expect(await resolveWarehouseRefs(t.db, input)).toEqual({
    warehouseId: a.id,
    lines: [
      { sku: 'REF-A', warehouseId: b.id },
      { sku: 'X', warehouseId: a.id },
    ],
    warehouseIds: [b.id, a.id],
    code: 'REF-A',
  });
});

it('an unknown code is NOT_FOUND naming it; what is neither id nor code is left for validation', async () => {
  await expect(resolveWarehouseRefs(t.db, { warehouseIds: ['REF-A', 'NOPE-1'] })).rejects.toMatchObject({
    code: 'NOT_FOUND',
    message: expect.stringContaining('NOPE-1'),
    details: { warehouseCode: 'NOPE-1' },
  });
  const garbage = { warehouseId: 'not a code', warehouseIds: [42, null] };
  expect(await resolveWarehouseRefs(t.db, garbage)).toEqual({
    warehouseId: 'not a code',
    warehouseIds: [42, null],
  });
  expect(await resolveWarehouseRefs(t.db, undefined)).toBeUndefined();
});
