/** The audit: every level recomputed from the ledger and the holds. */
export { verifyLedger } from './audit.js';
