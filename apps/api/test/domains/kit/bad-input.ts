/**
 * A bad-input table (SPEC §2 rule 9) beside its domain: every case of every
 * spec (kit/inputs.ts), plus random JSON from fast-check, is sent through
 * createCaller by a principal the procedure admits, so authorisation is never
 * what refuses it. Each answer must be a 4xx appCode the case allows, with
 * nothing internal in what the wire would carry, and the stock totals and
 * ledger unchanged; after the table the whole database is as it was.
 * Query tables (forged cursors, bad filters) are refused with VALIDATION_FAILED.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../../harness.js';
import { SERVICE_TOKEN } from '../../harness.js';
import { attempt, type Caller, callerFor, type Outcome, signIn } from './api.js';
import {
  type AppCode,
  casesFor,
  type Fx,
  LEAKS,
  type MutationSpec,
  type QueryRefusal,
  type Sender,
  V,
} from './inputs.js';
import { databaseDigest, type StockTotals, stockTotals } from './snapshot.js';

/** A refusal as the contract wants it: 4xx, no leak, and one of these appCodes. */
function expectRefused(answer: Outcome, codes: readonly AppCode[]): void {
  const summary = `${answer.status} ${answer.wire?.slice(0, 400)}`;
  expect(answer.outcome, 'the call was refused').not.toBe('ok');
  expect(answer.status, summary).toBeGreaterThanOrEqual(400);
  expect(answer.status, summary).toBeLessThan(500);
  for (const [what, pattern] of LEAKS) {
    expect(pattern.test(answer.wire ?? ''), `the answer leaks ${what}: ${summary}`).toBe(false);
  }
  expect(codes, summary).toContain(answer.outcome);
  if (answer.outcome === 'RATE_LIMITED') expect(answer.retryAfter).toBeGreaterThanOrEqual(1);
}

/** Call a procedure by its dotted path. */
function callPath(caller: Caller, procedure: string, input: unknown): Promise<unknown> {
  const fn = procedure
    .split('.')
    .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], caller) as (
    i: unknown,
  ) => Promise<unknown>;
  return fn(input);
}

export interface BadInputContext {
  api: TestApi;
  fx: Fx;
  callers: Record<Sender, Caller>;
}

async function badInputFixture(api: TestApi): Promise<BadInputContext> {
  const callers = {
    admin: callerFor(api, await signIn(api, 'admin@example.com')),
    buyer: callerFor(api, await signIn(api, 'buyer@example.com')),
    service: callerFor(api, SERVICE_TOKEN),
  };
  const warehouses = await callers.admin.warehouses.list();
  const id = (code: string) => {
    const found = warehouses.find((w) => w.code === code);
    if (!found) throw new Error(`seed has ${code}`);
    return found.id;
  };
  const users = await callers.admin.users.list();
  const userId = (email: string) => {
    const found = users.find((u) => u.email === email);
    if (!found) throw new Error(`seed has ${email}`);
    return found.id;
  };
  const reservation = await callers.admin.reservations.create({
    lines: [{ sku: 'EL-SPK-001', quantity: 1 }],
    reference: 'bad-input fixture',
  });
  const level = await callers.admin.inventory.get({ warehouseId: id('NYC-1'), sku: 'EL-HDP-001' });
  const fx = {
    version: level.version,
    nyc: id('NYC-1'),
    dfw: id('DFW-1'),
    sea: id('SEA-1'),
    buyerId: userId('buyer@example.com'),
    sellerId: userId('seller@example.com'),
    reservationId: reservation.id,
    unknownId: '00000000-0000-4000-8000-000000000000',
  };
  return { api, fx, callers };
}

/**
 * The domain's bad-input section: its mutation specs and its query refusals.
 * Run before anything in the file changes the database (the whole database is
 * compared afterwards).
 */
export function badInputTable(
  getApi: () => TestApi,
  specs: MutationSpec[],
  queries: QueryRefusal[] = [],
): { readonly context: BadInputContext } {
  let context: BadInputContext | undefined;
  let digest: Record<string, unknown>;
  let totals: StockTotals;
  const ctx = () => context as BadInputContext;
  /** Refused as the case says, and the stock and ledger untouched. */
  const refused = async (answer: Outcome, codes: readonly AppCode[]) => {
    expectRefused(answer, codes);
    expect(await stockTotals(ctx().api.services.db)).toEqual(totals);
  };

  describe('bad input', () => {
    beforeAll(async () => {
      context = await badInputFixture(getApi());
      digest = await databaseDigest(ctx().api.services.db);
      totals = await stockTotals(ctx().api.services.db);
    });

    describe.each(specs)('$procedure', (spec) => {
      const as = spec.as ?? 'admin';
      it.each(casesFor(spec))('$label', async ({ input, codes }) => {
        const { fx, callers } = ctx();
        await refused(await attempt(() => callPath(callers[as], spec.procedure, input(fx))), codes);
      });

      it('random JSON (fast-check)', async () => {
        const { fx, callers } = ctx();
        const keys = Object.keys(spec.base(fx));
        const nearMiss = fc.dictionary(fc.constantFrom(...keys, 'extra'), fc.jsonValue(), {
          maxKeys: keys.length + 1,
        });
        const accepted: AppCode[] =
          spec.procedure === 'auth.login'
            ? ['VALIDATION_FAILED', 'UNAUTHENTICATED']
            : ['VALIDATION_FAILED', 'NOT_FOUND'];
        const isEmpty = (input: unknown) =>
          typeof input === 'object' &&
          input !== null &&
          !Array.isArray(input) &&
          Object.keys(input).length === 0;
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(fc.jsonValue(), nearMiss).filter((input) => !(spec.emptyIsValid && isEmpty(input))),
            async (input) => {
              // As over the wire: what JSON can carry.
              const sent = JSON.parse(JSON.stringify(input) ?? 'null');
              await refused(await attempt(() => callPath(callers[as], spec.procedure, sent)), accepted);
            },
          ),
          { numRuns: 40, seed: [...spec.procedure].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7) },
        );
      });
    });

    // Named in full (a `$name` title would be cut at 40 characters).
    for (const { name, procedure, input } of queries) {
      it(name, async () => {
        await refused(await attempt(() => callPath(ctx().callers.admin, procedure, input)), V);
      });
    }

    it('left the database exactly as it was', async () => {
      expect(await databaseDigest(ctx().api.services.db)).toEqual(digest);
    });

    it('still serves a valid call (nothing is wedged)', async () => {
      const { fx, callers } = ctx();
      const level = await callers.admin.inventory.get({ warehouseId: fx.nyc, sku: 'EL-HDP-001' });
      expect(level.version).toBe(fx.version);
      expect((await callers.admin.audit.verify()).mismatches).toEqual([]);
    });
  });
  return {
    get context() {
      return ctx();
    },
  };
}
