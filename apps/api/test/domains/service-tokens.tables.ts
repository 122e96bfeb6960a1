/**
 * The tables of service tokens (serviceTokens.*): who may call each procedure,
 * and the malformed input each one refuses. Run through createCaller by
 * service-tokens.test.ts; the REST routes and raw bodies are sent over HTTP by
 * http.test.ts.
 */
import { type RolesFixture, unique } from './kit/fixture.js';
import { forgedCursorRefusals, type MutationSpec, NF, type QueryRefusal, V } from './kit/inputs.js';
import type { Row } from './kit/roles.js';

/** A fresh service token made by the admin. */
async function freshToken(fx: RolesFixture): Promise<string> {
  return (await fx.callers.admin.serviceTokens.create({ name: unique('fresh'), scopes: ['orders'] })).id;
}

/** Who may call service tokens. */
export const ROWS: Row[] = [
  {
    procedure: 'serviceTokens.create',
    allowed: ['admin'],
    call: (c, who) => c.serviceTokens.create({ name: unique(`by-${who}`), scopes: ['stock:read'] }),
  },
  { procedure: 'serviceTokens.list', allowed: ['admin'], call: (c) => c.serviceTokens.list() },
  {
    procedure: 'serviceTokens.revoke',
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.serviceTokens.revoke({ id: who === 'admin' ? await freshToken(fx) : fx.guardToken }),
  },
  {
    procedure: 'serviceTokens.rotate',
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.serviceTokens.rotate({ id: who === 'admin' ? await freshToken(fx) : fx.guardToken }),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'serviceTokens.create',
    base: (fx) => ({
      name: 'bad-input token',
      scopes: ['orders'],
      warehouseIds: [fx.nyc],
      expiresAt: '2099-01-01T00:00:00Z',
    }),
    fields: {
      name: 'tokenName',
      scopes: 'scopes',
      warehouseIds: 'tokenWarehouseIds',
      expiresAt: 'expiresAt',
    },
    required: ['name', 'scopes'],
    idempotent: true,
    rest: { method: 'POST', path: '/service-tokens' },
    specials: [
      {
        label: 'a name an active token has',
        input: () => ({ name: 'checkout-service (demo)', scopes: ['orders'] }),
        codes: V,
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ name: 'nowhere token', scopes: ['orders'], warehouseIds: [fx.unknownId] }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'serviceTokens.revoke',
    base: (fx) => ({ id: fx.unknownId }),
    fields: { id: 'uuid' },
    required: ['id'],
    idempotent: true,
    rest: { method: 'POST', path: '/service-tokens/{id}/revoke', bodyless: true },
    specials: [{ label: 'an unknown token', input: (fx) => ({ id: fx.unknownId }), codes: NF }],
  },
  {
    procedure: 'serviceTokens.rotate',
    base: (fx) => ({ id: fx.unknownId, graceSeconds: 60 }),
    fields: { id: 'uuid', graceSeconds: 'graceSeconds' },
    required: ['id'],
    idempotent: true,
    rest: { method: 'POST', path: '/service-tokens/{id}/rotate' },
    specials: [{ label: 'an unknown token', input: (fx) => ({ id: fx.unknownId }), codes: NF }],
  },
];

/** Query inputs refused with VALIDATION_FAILED. */
export const QUERIES: QueryRefusal[] = [
  ...forgedCursorRefusals('serviceTokens.list', (cursor) => ({ cursor })),
];
