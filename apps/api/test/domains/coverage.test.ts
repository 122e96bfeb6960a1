/**
 * The domain tables together: every procedure of the router has a role row
 * (the two subscriptions are checked over SSE in http.test.ts), and every
 * procedure a service may call declares the scope it needs.
 */
import { describe, expect, it } from 'vitest';
import { appRouter } from '../../src/router.js';
import { scopeOf } from './kit/roles.js';
import { ALL_ROWS as ROWS } from './tables.js';

/** Checked per principal over SSE in http.test.ts. */
const SUBSCRIPTIONS = ['events.onEvent', 'orders.onChange'];

describe('the role tables', () => {
  it('have a row for every procedure of the router', () => {
    const covered = new Set([...ROWS.map((r) => r.procedure), ...SUBSCRIPTIONS]);
    const procedures = Object.keys(appRouter._def.procedures);
    expect(procedures.filter((p) => !covered.has(p))).toEqual([]);
    expect([...covered].filter((p) => !procedures.includes(p))).toEqual([]);
  });

  it('every procedure a service may call declares the scope it needs', () => {
    // Rows naming principals (not "anyone" / "signed in") go through allow(): services need a scope there.
    const undeclared = ROWS.filter((r) => Array.isArray(r.allowed) && r.allowed.includes('service'))
      .map((r) => r.procedure)
      .filter((p) => scopeOf(p) === undefined);
    expect(undeclared).toEqual([]);
  });
});
