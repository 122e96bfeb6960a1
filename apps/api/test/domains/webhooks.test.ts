/**
 * Webhook endpoints and deliveries, through createCaller: the bad-input table,
 * then the role table, then the guard webhook is checked to be untouched.
 */
import { describe, expect, it } from 'vitest';
import { useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { roleSuite } from './kit/roles.js';
import { MUTATIONS, ROWS } from './webhooks.tables.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS);

roleSuite(server, ROWS, {
  fixture: { webhookDelivery: true },
  afterwards: (fx) => {
    describe('afterwards', () => {
      it('left the guard webhook as it was, and made none for a refused caller', async () => {
        const hooks = await fx().callers.admin.webhooks.list();
        expect(hooks.find((h) => h.id === fx().guardWebhook.id)?.description).toBe('guard');
        expect(hooks.map((h) => h.url).filter((u) => u.includes('made-by-'))).toEqual([
          'http://127.0.0.1:9/made-by-admin',
        ]);
      });
    });
  },
});
