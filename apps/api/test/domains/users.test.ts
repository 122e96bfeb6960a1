/**
 * User administration, through createCaller: the bad-input table, then the
 * role table, then what refused calls aimed at is checked to be untouched.
 */
import { describe, expect, it } from 'vitest';
import { useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { roleSuite } from './kit/roles.js';
import { MUTATIONS, ROWS } from './users.tables.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS);

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    describe('afterwards', () => {
      it('created no user for a refused caller', async () => {
        const emails = (await fx().callers.admin.users.list())
          .map((u) => u.email)
          .filter((e) => e.startsWith('made-by-'));
        expect(emails).toEqual(['made-by-admin@example.com']);
      });

      it('changed users only as the admin did', async () => {
        const victim = (await fx().callers.admin.users.list()).find((u) => u.id === fx().users.victim);
        expect(victim).toMatchObject({ name: 'renamed by admin', role: 'admin' });
      });
    });
  },
});
