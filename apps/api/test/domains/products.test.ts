/**
 * The catalog, through createCaller: the bad-input table (with forged cursors
 * and bad filters of products.search and products.mine), what is not bad
 * input, then the role table (sellers only their own products), then what
 * refused calls aimed at is checked to be untouched.
 */
import { describe, expect, it } from 'vitest';
import { attempt, callerFor, signIn, useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { CHANGED, MAIN, PRINCIPALS } from './kit/fixture.js';
import { roleSuite } from './kit/roles.js';
import { MUTATIONS, QUERIES, ROWS } from './products.tables.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS, QUERIES);

describe('what is not bad input', () => {
  // After the comparison of the whole database above (tests run in order): this call changes it.
  it('keeps accents, emoji (paired surrogates) and other scripts in text', async () => {
    const admin = callerFor(server.api, await signIn(server.api, 'admin@example.com'));
    const name = 'Café 📦 Ünïcödé — 東京 مرحبا';
    const product = await admin.products.create({
      sku: 'ZZ-UNICODE-001',
      name,
      description: `${name}\nwith a line break\tand a tab`,
      category: 'Tést',
      priceMinor: 1,
      currency: 'EUR',
    });
    expect(product.name).toBe(name);
    expect((await admin.products.get({ sku: 'ZZ-UNICODE-001' })).name).toBe(name);
  });
});

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    describe('afterwards', () => {
      it('created no product for a refused caller', async () => {
        const admin = fx().callers.admin;
        const search = async (sku: string) => (await attempt(() => admin.products.get({ sku }))).outcome;
        for (const who of [...PRINCIPALS, ...CHANGED]) {
          const expected = who === 'admin' || who === 'seller' ? 'ok' : 'NOT_FOUND';
          expect({ who, outcome: await search(`T-${who.toUpperCase()}-001`) }).toEqual({
            who,
            outcome: expected,
          });
          const owned = who === 'admin' ? 'ok' : 'NOT_FOUND';
          expect({ who, outcome: await search(`T-OWNED-${who.toUpperCase()}-001`) }).toEqual({
            who,
            outcome: owned,
          });
        }
        const sellers = await admin.products.get({ sku: 'T-SELLER-001' });
        expect(sellers.sellerId).not.toBeNull();
      });

      it('changed products only as the admin or owner did', async () => {
        const admin = fx().callers.admin;
        const main = await admin.products.get({ sku: MAIN });
        expect(main.description).toBe('edited by admin');
        expect((await admin.products.get({ sku: 'HD-MUG-001' })).name).toBe('Mug (admin)');
        for (const sku of ['HD-SOP-001', 'EL-SPK-001', 'HD-BWL-001']) {
          const product = await admin.products.get({ sku });
          expect({ sku, active: product.active }).toEqual({ sku, active: true });
        }
        expect((await admin.products.get({ sku: 'HD-BWL-001' })).sellerId).not.toBe(fx().users.seller2);
      });
    });
  },
});
