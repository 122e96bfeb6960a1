/**
 * The cart, checkout and orders, through createCaller: the bad-input table
 * (with bad orders.sales filters), then the role table (staff need every
 * warehouse of an order), then the resource rules (a buyer's own orders) and
 * the guard orders checked to be untouched.
 */
import { describe, expect, it } from 'vitest';
import { attempt, useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { roleSuite } from './kit/roles.js';
import { MUTATIONS, QUERIES, ROWS } from './orders.tables.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS, QUERIES);

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    describe('resources', () => {
      it('a buyer cannot read or cancel another buyer’s order, nor see it listed', async () => {
        const other = fx().callers.buyer2;
        const id = fx().buyerOrder;
        expect((await attempt(() => other.orders.get({ id }))).outcome).toBe('FORBIDDEN');
        expect((await attempt(() => other.orders.cancel({ id, reason: 'not mine' }))).outcome).toBe(
          'FORBIDDEN',
        );
        const theirs = await other.orders.list({ limit: 100 });
        expect(theirs.items.map((o) => o.id)).not.toContain(id);
        const mine = await fx().callers.buyer.orders.list({ limit: 100 });
        expect(mine.items.map((o) => o.id)).toContain(id);
      });
    });

    describe('afterwards', () => {
      it('left the buyer’s pending order unpaid', async () => {
        expect((await fx().callers.admin.orders.get({ id: fx().buyerOrder })).status).toBe('pending_payment');
      });

      it('left the guard orders as they were', async () => {
        for (const guard of [fx().guardOrders.nyc, fx().guardOrders.dfw, fx().guardOrders.mixed]) {
          const order = await fx().callers.admin.orders.get({ id: guard.id });
          expect({ status: order.status, version: order.version, shipments: order.shipments }).toEqual({
            status: 'paid',
            version: guard.version,
            shipments: [],
          });
        }
      });

      it('still balances the ledger', async () => {
        expect((await fx().callers.admin.audit.verify()).mismatches).toEqual([]);
      });
    });
  },
});
