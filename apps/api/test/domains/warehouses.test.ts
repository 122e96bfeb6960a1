/**
 * Warehouses, through createCaller: the bad-input table, then the role table,
 * then what refused calls aimed at is checked to be untouched.
 */
import { describe, expect, it } from 'vitest';
import { useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { roleSuite } from './kit/roles.js';
import { MUTATIONS, ROWS } from './warehouses.tables.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS);

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    describe('afterwards', () => {
      it('created no warehouse for a refused caller', async () => {
        const codes = (await fx().callers.admin.warehouses.list())
          .map((w) => w.code)
          .filter((c) => c.startsWith('T-'));
        expect(codes).toEqual(['T-ADMIN']);
      });

      it('changed warehouses only as the admin did', async () => {
        const sea = (await fx().callers.admin.warehouses.list()).find((w) => w.id === fx().wh.sea);
        expect(sea?.name).toBe('Seattle (admin)');
      });
    });
  },
});
