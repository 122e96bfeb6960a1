/**
 * The tables of user administration (users.*): who may call each procedure,
 * and the malformed input each one refuses. Run through createCaller by
 * users.test.ts; the REST routes and raw bodies are sent over HTTP by
 * http.test.ts.
 */
import { type MutationSpec, NF, V } from './kit/inputs.js';
import type { Row } from './kit/roles.js';

/** Who may call user administration. */
export const ROWS: Row[] = [
  { procedure: 'users.list', allowed: ['admin'], call: (c) => c.users.list() },
  {
    procedure: 'users.create',
    allowed: ['admin'],
    call: (c, who, fx) =>
      c.users.create({
        email: `made-by-${who}@example.com`,
        password: 'tulip kettle 3f9a2b',
        name: `Made by ${who}`,
        role: 'staff',
        warehouseIds: [fx.wh.dfw],
      }),
  },
  {
    procedure: 'users.update',
    allowed: ['admin'],
    call: (c, who, fx) => c.users.update({ id: fx.users.victim, name: `renamed by ${who}`, role: 'admin' }),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'users.create',
    base: (fx) => ({
      email: 'new-user@example.com',
      password: 'tulip kettle 3f9a2b',
      name: 'New User',
      role: 'staff',
      warehouseIds: [fx.nyc],
    }),
    fields: {
      email: 'email',
      password: 'password',
      name: 'text',
      role: 'role',
      warehouseIds: 'warehouseIds',
    },
    required: ['email', 'password', 'name', 'role'],
    idempotent: true,
    specials: [
      {
        label: 'an email that already exists',
        input: () => ({
          email: 'BUYER@example.com',
          password: 'tulip kettle 3f9a2b',
          name: 'X',
          role: 'buyer',
        }),
        codes: V,
      },
      {
        label: 'the same warehouse twice',
        input: (fx) => ({
          email: 'twice@example.com',
          password: 'tulip kettle 3f9a2b',
          name: 'Twice',
          role: 'staff',
          warehouseIds: [fx.nyc, fx.nyc],
        }),
        codes: V,
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({
          email: 'nowhere@example.com',
          password: 'tulip kettle 3f9a2b',
          name: 'Nowhere',
          role: 'staff',
          warehouseIds: [fx.unknownId],
        }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'users.update',
    base: (fx) => ({ id: fx.buyerId, name: 'Renamed', role: 'buyer', warehouseIds: [], active: true }),
    fields: { id: 'uuid', name: 'text', role: 'role', warehouseIds: 'warehouseIds', active: 'boolean' },
    required: ['id'],
    idempotent: true,
    specials: [
      { label: 'an unknown user', input: (fx) => ({ id: fx.unknownId, name: 'Nobody' }), codes: NF },
      {
        label: 'the same warehouse twice',
        input: (fx) => ({ id: fx.buyerId, warehouseIds: [fx.nyc, fx.nyc] }),
        codes: V,
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ id: fx.buyerId, warehouseIds: [fx.unknownId] }),
        codes: NF,
      },
    ],
  },
];
