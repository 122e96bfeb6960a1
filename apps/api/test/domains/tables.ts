/** Every domain's tables together: for the coverage check and for http.test.ts (REST routes, raw bodies). */
import * as audit from './audit.tables.js';
import * as auth from './auth.tables.js';
import * as events from './events.tables.js';
import * as inventory from './inventory.tables.js';
import type { MutationSpec } from './kit/inputs.js';
import type { Row } from './kit/roles.js';
import * as orders from './orders.tables.js';
import * as products from './products.tables.js';
import * as reservations from './reservations.tables.js';
import * as serviceTokens from './service-tokens.tables.js';
import * as users from './users.tables.js';
import * as waitlist from './waitlist.tables.js';
import * as warehouses from './warehouses.tables.js';
import * as webhooks from './webhooks.tables.js';

const DOMAINS: { ROWS: Row[]; MUTATIONS?: MutationSpec[] }[] = [
  auth,
  users,
  serviceTokens,
  warehouses,
  products,
  inventory,
  reservations,
  orders,
  waitlist,
  events,
  audit,
  webhooks,
];

export const ALL_ROWS: Row[] = DOMAINS.flatMap((d) => d.ROWS);
export const ALL_MUTATIONS: MutationSpec[] = DOMAINS.flatMap((d) => d.MUTATIONS ?? []);
