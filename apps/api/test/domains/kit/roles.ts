/**
 * A role table (SPEC §5, API.md's "who" column): each row is one procedure
 * (or one resource rule of it) and who may call it. Every principal gets a
 * cell: an allowed call succeeds (inputs are chosen so it can); a refused one
 * answers FORBIDDEN when signed in and UNAUTHENTICATED when not, and leaves the
 * stock totals and the ledger as they were. The principals whose standing
 * changed or whose reach is narrow (disabled, demoted, a `stock:read` token,
 * staff of another warehouse) get a cell wherever they must be refused. Rows take the fixture, so a table can live beside its domain.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../../src/router.js';
import type { TestApi } from '../../harness.js';
import { attempt, type Caller, callerFor } from './api.js';
import {
  type AnyWho,
  CHANGED,
  LIMITED_SCOPES,
  PRINCIPALS,
  type RolesFixture,
  rolesFixture,
  unique,
  type Who,
} from './fixture.js';
import { stockTotals } from './snapshot.js';

type Expected = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN';

export interface Row {
  procedure: string;
  /** What sets this row apart from the procedure's main row. */
  note?: string;
  allowed: 'anyone' | 'signed in' | readonly Who[];
  call(c: Caller, who: AnyWho, fx: RolesFixture): Promise<unknown>;
  /** Staff are allowed only because the row aims at one of their warehouses (NYC-1, CHI-1): staff elsewhere are not. */
  staffScoped?: boolean;
  /** Why an allowed call may still fail for a reason other than who is calling (then only "not refused" is checked). */
  mayFail?: string;
}

const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { meta?: { scope?: string } } }
>;
export const scopeOf = (procedure: string) => procedures[procedure]?._def.meta?.scope;

export function isAllowed(allowed: Row['allowed'], who: AnyWho): boolean {
  if (allowed === 'anyone') return true;
  if (allowed === 'signed in') return who !== 'anonymous';
  return (allowed as readonly string[]).includes(who);
}

function expectedFor(allowed: Row['allowed'], who: Who): Expected {
  if (isAllowed(allowed, who)) return 'ok';
  return who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
}

/** Where a principal whose standing changed must be refused, and how (undefined: no cell). */
function changedExpectation(row: Row, who: (typeof CHANGED)[number]): Expected | undefined {
  if (who === 'disabled') return row.allowed === 'anyone' ? undefined : 'UNAUTHENTICATED';
  if (who === 'elsewhere') {
    return row.staffScoped || expectedFor(row.allowed, 'staff') === 'FORBIDDEN' ? 'FORBIDDEN' : undefined;
  }
  if (typeof row.allowed === 'string') return undefined;
  if (who === 'demoted') return row.allowed.includes('buyer') ? undefined : 'FORBIDDEN';
  if (!row.allowed.includes('service')) return 'FORBIDDEN';
  const scope = scopeOf(row.procedure);
  const held =
    scope === undefined || scope === 'any' || (LIMITED_SCOPES as readonly string[]).includes(scope);
  return held ? undefined : 'FORBIDDEN';
}

function cellsFor(row: Row): { who: AnyWho; expected: Expected }[] {
  const cells: { who: AnyWho; expected: Expected }[] = PRINCIPALS.map((who) => ({
    who,
    expected: expectedFor(row.allowed, who),
  }));
  for (const who of CHANGED) {
    const expected = changedExpectation(row, who);
    if (expected) cells.push({ who, expected });
  }
  return cells;
}

const TRPC_CODE = { UNAUTHENTICATED: 'UNAUTHORIZED', FORBIDDEN: 'FORBIDDEN' } as const;
const HTTP_STATUS = { UNAUTHENTICATED: 401, FORBIDDEN: 403 } as const;

const named = (row: Row) => ({ ...row, name: row.note ? `${row.procedure} (${row.note})` : row.procedure });

/** The table's cells, then each scoped row once more with a service token lacking only that scope. */
function roleTable(rows: Row[], fixture: () => RolesFixture): void {
  describe.each(rows.map(named))('$name', (row) => {
    it.each(cellsFor(row))('$who → $expected', async ({ who, expected }) => {
      const fx = fixture();
      const before = expected === 'ok' ? undefined : await stockTotals(fx.api.services.db);
      const result = await attempt(() => row.call(fx.callers[who], who, fx));
      if (expected !== 'ok') {
        expect(result.outcome, result.message).toBe(expected);
        expect(result.trpcCode).toBe(TRPC_CODE[expected]);
        expect(result.status).toBe(HTTP_STATUS[expected]);
        expect(await stockTotals(fx.api.services.db)).toEqual(before);
      } else if (row.mayFail) {
        expect(['UNAUTHENTICATED', 'FORBIDDEN'], result.message).not.toContain(result.outcome);
      } else {
        expect(result.outcome, result.message).toBe('ok');
      }
    });
  });

  const scoped = rows
    .filter((r) => isAllowed(r.allowed, 'service') && ![undefined, 'any'].includes(scopeOf(r.procedure)))
    .map(named);
  if (scoped.length === 0) return;
  describe('service token scopes', () => {
    it.each(scoped)('$name: refused, naming the scope, to a token with every other scope', async (row) => {
      const fx = fixture();
      const scope = scopeOf(row.procedure) as string;
      const others = (['stock:read', 'stock:write', 'reservations', 'orders', 'payments'] as const).filter(
        (s) => s !== scope,
      );
      const made = await fx.callers.admin.serviceTokens.create({
        name: unique(`lacks-${scope}`),
        scopes: others,
      });
      const result = await attempt(() => row.call(callerFor(fx.api, made.token as string), 'service', fx));
      expect(result.outcome, result.message).toBe('FORBIDDEN');
      expect(result.status).toBe(403);
      expect(result.message).toContain(`"${scope}"`);
    });
  });
}

/**
 * A domain's role table as its own `roles` block: the fixture made once, every row
 * run, then `afterwards` (checks that what refused calls aimed at is untouched).
 */
export function roleSuite(
  server: { readonly api: TestApi },
  rows: Row[],
  options: {
    fixture?: { webhookDelivery?: boolean };
    afterwards?: (fixture: () => RolesFixture) => void;
  } = {},
): void {
  describe('roles', () => {
    let fx: RolesFixture | undefined;
    beforeAll(async () => {
      fx = await rolesFixture(server.api, options.fixture);
    });
    const fixture = () => fx as RolesFixture;
    roleTable(rows, fixture);
    options.afterwards?.(fixture);
  });
}
