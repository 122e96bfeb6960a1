/** The audit: every level recomputed from the ledger and the holds. */
export { type AuditMismatch, type AuditReport, verifyLedger } from './audit.js';
