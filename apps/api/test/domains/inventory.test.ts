/**
 * Stock levels and the ledger, through createCaller: the bad-input table, then
 * the role table (staff only at their warehouses, a mixed sync refused whole),
 * then what refused calls aimed at is checked to be untouched.
 */
import { describe, expect, it } from 'vitest';
import { MUTATIONS, QUERIES, ROWS } from './inventory.tables.js';
import { useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { GUARD, level } from './kit/fixture.js';
import { roleSuite } from './kit/roles.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS, QUERIES);

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    describe('afterwards', () => {
      it('left GUARD stock untouched at NYC-1 and DFW-1 (a mixed sync was refused whole)', async () => {
        expect((await level(fx(), fx().wh.nyc, GUARD)).version).toBe(fx().guardVersions.nyc);
        expect((await level(fx(), fx().wh.dfw, GUARD)).version).toBe(fx().guardVersions.dfw);
        for (const warehouseId of [fx().wh.nyc, fx().wh.dfw]) {
          const moves = await fx().callers.admin.inventory.movements({ warehouseId, sku: GUARD, limit: 100 });
          expect(moves.items.filter((m) => m.actor !== 'system:seed')).toEqual([]);
        }
      });

      it('still balances the ledger', async () => {
        expect((await fx().callers.admin.audit.verify()).mismatches).toEqual([]);
      });
    });
  },
});
