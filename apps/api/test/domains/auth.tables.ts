/**
 * The tables of sign-in, registration, sessions (auth.*) and the health probe:
 * who may call each procedure, and the malformed input each one refuses. Run
 * through createCaller by auth.test.ts; the REST routes and raw bodies are
 * sent over HTTP by http.test.ts.
 */
import { callerFor, signIn } from './kit/api.js';
import { unique } from './kit/fixture.js';
import type { MutationSpec } from './kit/inputs.js';
import type { Row } from './kit/roles.js';

/** Who may call sign-in, registration, sessions. */
export const ROWS: Row[] = [
  { procedure: 'health', allowed: 'anyone', call: (c) => c.health() },
  {
    procedure: 'auth.login',
    allowed: 'anyone',
    call: (c) => c.auth.login({ email: 'buyer@example.com', password: 'stockroom' }),
  },
  {
    procedure: 'auth.register',
    allowed: 'anyone',
    call: (c, who) =>
      c.auth.register({
        email: `${unique(`signup-by-${who}`)}@example.com`,
        password: 'tulip kettle 3f9a2b',
        name: 'New Buyer',
      }),
  },
  { procedure: 'auth.me', allowed: 'signed in', call: (c) => c.auth.me() },
  {
    procedure: 'auth.logout',
    allowed: 'signed in',
    // A session of its own, so signing out does not end the matrix's sessions.
    call: async (c, who, fx) =>
      ['buyer', 'seller', 'staff', 'admin'].includes(who)
        ? callerFor(fx.api, await signIn(fx.api, `${who}@example.com`)).auth.logout()
        : c.auth.logout(),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'auth.login',
    base: () => ({ email: 'admin@example.com', password: 'stockroom' }),
    fields: { email: 'loginEmail', password: 'loginPassword' },
    required: ['email', 'password'],
    idempotent: false,
  },
  {
    procedure: 'auth.register',
    base: () => ({ email: 'someone@example.com', password: 'tulip kettle 3f9a2b', name: 'Someone' }),
    fields: { email: 'email', password: 'password', name: 'text' },
    required: ['email', 'password', 'name'],
    idempotent: false,
    // An email that already exists is accepted like a new one (nothing tells them apart): abuse.test.ts.
  },
];
