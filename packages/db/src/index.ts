export * from './connection.js';
export * from './embedded.js';
export * from './migrate.js';
export * from './pgbouncer.js';
export * from './replica.js';
export * from './schema.js';
export * from './secrets.js';
export {
  DEMO_PASSWORD,
  DEMO_SERVICE_TOKEN,
  DEMO_USERS,
  type SeedSummary,
  seedDemo,
} from './seed.js';
export * from './unavailable.js';
