/**
 * Service tokens, through createCaller: the bad-input table (with forged
 * cursors), then the role table, then the guard token is checked to be
 * untouched.
 */
import { describe, expect, it } from 'vitest';
import { useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { roleSuite } from './kit/roles.js';
import { MUTATIONS, QUERIES, ROWS } from './service-tokens.tables.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS, QUERIES);

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    describe('afterwards', () => {
      it('left the guard service token active and unrotated', async () => {
        const listed = (await fx().callers.admin.serviceTokens.list({ limit: 100 })).items;
        expect(listed.find((t) => t.id === fx().guardToken)).toMatchObject({
          status: 'active',
          rotatedAt: null,
          revokedAt: null,
        });
        expect(listed.map((t) => t.name).filter((n) => n.startsWith('by-'))).toEqual([
          expect.stringMatching(/^by-admin-/),
        ]);
      });
    });
  },
});
