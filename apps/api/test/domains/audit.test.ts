/**
 * The ledger audit and the race demo, through createCaller: the bad-input
 * table of demo.race, then the role table, then the ledger still balances.
 */
import { expect, it } from 'vitest';
import { MUTATIONS, ROWS } from './audit.tables.js';
import { useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { MAIN } from './kit/fixture.js';
import { roleSuite } from './kit/roles.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS);

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    it('lets an admin run the race demo', async () => {
      const result = await fx().callers.admin.demo.race({
        sku: MAIN,
        warehouseId: fx().wh.nyc,
        buyers: 2,
        quantityEach: 1,
      });
      expect(result.attempted).toBe(2);
    });

    it('still balances the ledger', async () => {
      expect((await fx().callers.admin.audit.verify()).mismatches).toEqual([]);
    });
  },
});
