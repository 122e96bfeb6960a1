/**
 * Holds, through createCaller: the bad-input table (with forged cursors and
 * bad filters of reservations.list), then the role table, then the resource
 * rules (a buyer's own holds; staff only at their warehouses) and the guard
 * reservation checked to be untouched.
 */
import { describe, expect, it } from 'vitest';
import { attempt, useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { freshReservation, level, MAIN } from './kit/fixture.js';
import { roleSuite } from './kit/roles.js';
import { MUTATIONS, QUERIES, ROWS } from './reservations.tables.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS, QUERIES);

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    describe('resources', () => {
      it('a buyer cannot touch another buyer’s reservation', async () => {
        const other = fx().callers.buyer2;
        const id = fx().guardReservation.id;
        const outcomes = {
          get: (await attempt(() => other.reservations.get({ id }))).outcome,
          confirm: (await attempt(() => other.reservations.confirm({ id }))).outcome,
          release: (await attempt(() => other.reservations.release({ id }))).outcome,
          extend: (await attempt(() => other.reservations.extend({ id, ttlSeconds: 60 }))).outcome,
        };
        expect(outcomes).toEqual({
          get: 'FORBIDDEN',
          confirm: 'FORBIDDEN',
          release: 'FORBIDDEN',
          extend: 'FORBIDDEN',
        });
      });

      it('staff release only holds at their warehouses; the list shows only those', async () => {
        const atDfw = await fx().callers.buyer2.reservations.create({
          lines: [{ sku: MAIN, quantity: 1, warehouseId: fx().wh.dfw }],
        });
        const before = await level(fx(), fx().wh.dfw, MAIN);
        const refused = await attempt(() =>
          fx().callers.staff.reservations.release({ id: atDfw.id, reason: 'not my warehouse' }),
        );
        expect(refused.outcome).toBe('FORBIDDEN');
        expect(await level(fx(), fx().wh.dfw, MAIN)).toEqual(before);
        expect((await fx().callers.admin.reservations.get({ id: atDfw.id })).status).toBe('pending');
        const listed = await fx().callers.staff.reservations.list({ limit: 100 });
        expect(listed.items.map((r) => r.id)).not.toContain(atDfw.id);
        for (const r of listed.items) {
          expect(r.lines.some((l) => [fx().wh.nyc, fx().wh.chi].includes(l.warehouseId))).toBe(true);
        }
        const all = await fx().callers.admin.reservations.list({ limit: 100, warehouseId: fx().wh.dfw });
        expect(all.items.map((r) => r.id)).toContain(atDfw.id);
        await fx().callers.buyer2.reservations.release({ id: atDfw.id });
      });

      it('a buyer can get and release its own reservation', async () => {
        const own = await freshReservation(fx(), fx().callers.buyer2);
        expect((await fx().callers.buyer2.reservations.get({ id: own })).status).toBe('pending');
        expect((await fx().callers.buyer2.reservations.release({ id: own })).status).toBe('released');
      });
    });

    describe('afterwards', () => {
      it('left the guard reservation pending and unextended', async () => {
        const reservation = await fx().callers.admin.reservations.get({ id: fx().guardReservation.id });
        expect(reservation).toMatchObject({ status: 'pending', expiresAt: fx().guardReservation.expiresAt });
      });

      it('still balances the ledger', async () => {
        expect((await fx().callers.admin.audit.verify()).mismatches).toEqual([]);
      });
    });
  },
});
