/**
 * A write's input is parsed once per request (issue 13: "zod work done twice"):
 * tRPC parses it with the procedure's schema (the use case's, plus the
 * idempotency key, strict), and core takes that parsed object as it is
 * (`markParsed`) instead of parsing it again. Bad input is still refused, and a
 * core call that did not come through a procedure is still parsed.
 */
import { DomainError, ZReserveInput, ZSyncInput } from '@stockroom/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

const onHand = async (sku: string) => {
  const { rows } = await api.database.pool.query<{ on_hand: number; reserved: number }>(
    `select s.on_hand, s.reserved from stock_levels s join products p on p.id = s.product_id
     join warehouses w on w.id = s.warehouse_id where p.sku = $1 and w.code = 'NYC-1'`,
    [sku],
  );
  return rows[0];
};

describe('procedure inputs reach core parsed once', () => {
  it('reservations.create and inventory.sync: core does not parse the input a second time', async () => {
    const reserveParse = vi.spyOn(ZReserveInput, 'safeParse');
    const syncParse = vi.spyOn(ZSyncInput, 'safeParse');
    const client = api.client(SERVICE_TOKEN);
    const held = await client.reservations.create.mutate({
      lines: [{ sku: 'EL-SPK-001', quantity: 2, warehouseId: 'NYC-1' }],
    });
    expect(held.status).toBe('pending');
    const synced = await client.inventory.sync.mutate({
      items: [{ warehouseId: 'NYC-1', sku: 'EL-SPK-001', onHand: 500 }],
    });
    expect(synced.changed[0]).toMatchObject({ sku: 'EL-SPK-001', onHand: 500, reserved: 2 });
    expect(reserveParse).not.toHaveBeenCalled();
    expect(syncParse).not.toHaveBeenCalled();
    reserveParse.mockRestore();
    syncParse.mockRestore();
  });

  it('bad input is still refused whole, and moves no stock', async () => {
    const before = await onHand('EL-SPK-001');
    const client = api.client(SERVICE_TOKEN);
    await expect(
      client.reservations.create.mutate({
        lines: [{ sku: 'EL-SPK-001', quantity: -3, warehouseId: 'NYC-1' }],
      }),
    ).rejects.toMatchObject({ data: { appCode: 'VALIDATION_FAILED' } });
    await expect(
      client.inventory.sync.mutate({
        items: [{ warehouseId: 'NYC-1', sku: 'EL-SPK-001', onHand: 1.5 }],
      }),
    ).rejects.toMatchObject({ data: { appCode: 'VALIDATION_FAILED' } });
    expect(await onHand('EL-SPK-001')).toEqual(before);
  });

  it('an object core did not see parsed (a direct call) is parsed: a bad one is refused', async () => {
    const coalescer = api.services.reservations;
    const call = (async () =>
      coalescer.reserve({ actor: { kind: 'system', name: 'test' }, db: api.database.db } as never, {
        lines: [{ sku: 'EL-SPK-001', quantity: 0 }],
      }))();
    await expect(call).rejects.toBeInstanceOf(DomainError);
    await expect(call).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
