/**
 * The one decision "is the database away?", shared by core (the reservation
 * coalescer answers a whole batch at once instead of retrying each request
 * alone) and the API (503 UNAVAILABLE with Retry-After instead of 500).
 *
 * - `timeout`: the statement ran past statement_timeout (SQLSTATE 57014).
 * - `unavailable`: the connection failed or was ended (class 08, 25P03 idle in
 *   transaction, 57P01–57P03 and 57P05 shutdowns and idle-session ends), the
 *   server is out of connection slots (53300), or the driver's socket failed.
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

export function databaseTrouble(error: unknown): DatabaseTrouble | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === '57014') return 'timeout';
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) {
    return 'unavailable';
  }
  const message = String((error as { message?: unknown }).message ?? '');
  return UNAVAILABLE_MESSAGE.test(message) ? 'unavailable' : undefined;
}
