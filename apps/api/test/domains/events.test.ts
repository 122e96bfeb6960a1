/**
 * The event log, through createCaller: forged cursors of events.list, then
 * the role table. The live subscriptions (events.onEvent, orders.onChange)
 * are checked per principal over SSE in test/http.test.ts.
 */
import { beforeAll, describe } from 'vitest';
import { QUERIES, ROWS } from './events.tables.js';
import { useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { type RolesFixture, rolesFixture } from './kit/fixture.js';
import { roleTable } from './kit/roles.js';

const server = useApi();
badInputTable(() => server.api, [], QUERIES);

describe('roles', () => {
  let fx: RolesFixture;
  beforeAll(async () => {
    fx = await rolesFixture(server.api);
  });
  roleTable(ROWS, () => fx);
});
