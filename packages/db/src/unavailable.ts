/**
 * The one decision "is the database away?", shared by core (the reservation
 * coalescer answers a whole batch at once instead of retrying each request
 * alone) and the API (503 UNAVAILABLE with Retry-After instead of 500).
 *
 * - `timeout`: the statement ran past statement_timeout (SQLSTATE 57014).
 * - `unavailable`: the connection failed or was ended (class 08, 25P03 idle in
 *   transaction, 57P01–57P03 and 57P05 shutdowns and idle-session ends), the
 *   server is out of connection slots (53300), or the driver's socket failed;
 *   also a write that reached a server in recovery (25006 read-only transaction:
 *   the primary moved and this connection still leads to the old one, which a
 *   failover or switchover demoted) and PgBouncer's own outage errors (sent as
 *   08P01, which otherwise is a protocol bug: judged by their message).
 * - undefined: anything else (a constraint, bad data, a bug).
 */
export type DatabaseTrouble = 'timeout' | 'unavailable';

const UNAVAILABLE_SQLSTATES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08007',
  '25006',
  '25P03',
  '53300',
  '57P01',
  '57P02',
  '57P03',
  '57P05',
]);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
// pg and pg-pool raise these without a code.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed/i;
// PgBouncer's: no server to give a client (login failing, the wait too long, the server gone).
const POOLER_MESSAGE =
  /server login has been failing|query_wait_timeout|server conn crashed|pgbouncer cannot connect to server|no more connections allowed/i;

export function databaseTrouble(error: unknown): DatabaseTrouble | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === '57014') return 'timeout';
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) {
    return 'unavailable';
  }
  const message = String((error as { message?: unknown }).message ?? '');
  if (code === '08P01') return POOLER_MESSAGE.test(message) ? 'unavailable' : undefined;
  return UNAVAILABLE_MESSAGE.test(message) ? 'unavailable' : undefined;
}
