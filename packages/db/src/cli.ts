/** `pnpm db:migrate` / `pnpm db:seed` against DATABASE_URL, or the embedded dev database. */
import path from 'node:path';
import { createDb } from './connection.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrateToLatest } from './migrate.js';
import { seedDemo } from './seed.js';

const command = process.argv[2];
if (command !== 'migrate' && command !== 'seed') {
  console.error('usage: cli.ts migrate|seed');
  process.exit(2);
}
let url = process.env.DATABASE_URL;
const embedded = url
  ? undefined
  : await startEmbeddedPostgres({
      dataDir: path.resolve(import.meta.dirname, '../../../.data/pg'),
      port: 54329,
    });
url ??= embedded?.url ?? '';
const { db } = createDb({ connectionString: url, max: 2 });
try {
  await migrateToLatest(db);
  if (command === 'seed') console.log(await seedDemo(db, { environment: process.env.NODE_ENV }));
  else console.log('migrations applied');
} finally {
  await db.destroy();
  await embedded?.stop();
}
