/**
 * The waitlist, through createCaller: the bad-input table, then the role
 * table, then a buyer's own entries (and cart): another buyer's entry is as
 * unknown as one that does not exist.
 */
import { describe, expect, it } from 'vitest';
import { attempt, useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { roleSuite } from './kit/roles.js';
import { MUTATIONS, ROWS } from './waitlist.tables.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS);

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    describe('resources', () => {
      it('a buyer cannot leave another buyer’s waitlist entry (NOT_FOUND, as an unknown id)', async () => {
        const entry = await fx().callers.buyer.waitlist.join({ sku: 'KT-KTL-001', quantity: 1 });
        const theirs = await attempt(() => fx().callers.buyer2.waitlist.leave({ id: entry.id }));
        const unknown = await attempt(() =>
          fx().callers.buyer2.waitlist.leave({ id: '00000000-0000-4000-8000-00000000abcd' }),
        );
        expect([theirs.outcome, theirs.status]).toEqual(['NOT_FOUND', 404]);
        expect([unknown.outcome, unknown.status]).toEqual(['NOT_FOUND', 404]);
        const mine = await fx().callers.buyer.waitlist.list({ limit: 100 });
        expect(mine.items.find((e) => e.id === entry.id)?.status).toBe('waiting');
        expect((await fx().callers.buyer.waitlist.leave({ id: entry.id })).status).toBe('cancelled');
      });

      it('a buyer sees only its own waitlist entries and cart', async () => {
        await fx().callers.buyer.waitlist.join({ sku: 'KT-PAN-001', quantity: 2 });
        await fx().callers.buyer.cart.setItem({ sku: 'KT-PAN-001', quantity: 3 });
        const theirs = await fx().callers.buyer2.waitlist.list({ limit: 100 });
        expect(theirs.items).toEqual([]);
        expect((await fx().callers.buyer2.cart.get()).items).toEqual([]);
        expect((await fx().callers.buyer.cart.get()).items.map((i) => i.sku)).toContain('KT-PAN-001');
      });
    });
  },
});
