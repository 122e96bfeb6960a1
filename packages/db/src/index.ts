export * from './connection.js';
export * from './embedded.js';
export * from './migrate.js';
export * from './schema.js';
export * from './secrets.js';
export { type SeedSummary, seedDemo } from './seed.js';
