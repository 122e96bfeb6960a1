import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as m0001 from './migrations/2026-11-25T0001-initial.js';
import * as m0002 from './migrations/2026-11-25T0002-rate-limits.js';
import * as m0003 from './migrations/2026-11-25T0003-orders.js';
import * as m0004 from './migrations/2026-12-03T0001-sessions.js';
import * as m0005 from './migrations/2026-12-03T0002-service-tokens.js';
import * as m0006 from './migrations/2026-12-03T0003-buyer-limits.js';
import * as mWebhooks from './migrations/2026-12-03T0005-webhooks.js';
import * as mSearchWords from './migrations/2026-12-04T0010-search-words.js';
import * as mWebhookRotation from './migrations/2026-12-04T0010-webhook-secret-rotation.js';
import * as mLocations from './migrations/2026-12-04T0020-stock-locations.js';
import * as mStockWritePath from './migrations/2026-12-04T0030-stock-write-path.js';
import * as mEventsAnnounced from './migrations/2026-12-05T0010-events-announced-after-commit.js';

/**
 * Every migration, by name. Names are date-prefixed so they sort in the order
 * they were written; a landed migration is never edited, only followed by a new one.
 * Listed statically so the API can be bundled without a migrations folder.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-25T0001-initial': m0001,
  '2026-11-25T0002-rate-limits': m0002,
  '2026-11-25T0003-orders': m0003,
  '2026-12-03T0001-sessions': m0004,
  '2026-12-03T0002-service-tokens': m0005,
  '2026-12-03T0003-buyer-limits': m0006,
  '2026-12-03T0005-webhooks': mWebhooks,
  '2026-12-04T0010-search-words': mSearchWords,
  '2026-12-04T0010-webhook-secret-rotation': mWebhookRotation,
  '2026-12-04T0020-stock-locations': mLocations,
  '2026-12-04T0030-stock-write-path': mStockWritePath,
  '2026-12-05T0010-events-announced-after-commit': mEventsAnnounced,
};

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
}

/** Apply every pending migration; throws (with the failing migration's name) on error. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}

/** True when every migration this code knows of has been applied. */
export async function migrationsCurrent(db: Kysely<any>): Promise<boolean> {
  const applied = await createMigrator(db).getMigrations();
  return applied.every((m) => m.executedAt !== undefined);
}
