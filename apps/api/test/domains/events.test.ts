import { QUERIES, ROWS } from './events.tables.js';
import { useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { roleSuite } from './kit/roles.js';

const server = useApi();
badInputTable(() => server.api, [], QUERIES);

roleSuite(server, ROWS);
