/**
 * pgbench baselines, run against the same PostgreSQL server in the same run:
 * what the raw database does for the statements the API's work boils down to.
 * Each uses prepared statements (-M prepared): a strong baseline.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CATALOGUE_PRODUCTS, SYNC_ITEMS, UNIFORM_PRODUCTS } from './data.js';

export type BaselineName =
  | 'hot-update'
  | 'hot-for-update'
  | 'uniform-for-update'
  | 'bulk-1000'
  | 'search-sql'
  | 'search-sql-1m';

export interface BaselineSpec {
  name: BaselineName;
  title: string;
  /** Which database: pgbench's own tables, or the API's (read-only search). */
  database: 'pgbench' | 'app';
  /** Script bodies (several: pgbench picks one at random per transaction). */
  scripts: string[];
}

const forUpdate = (id: string) => `${id === ':id' ? `\\set id random(1, ${UNIFORM_PRODUCTS})\n` : ''}BEGIN;
SELECT on_hand, reserved FROM bench_stock WHERE id = ${id} FOR UPDATE;
UPDATE bench_stock SET reserved = reserved + 1, version = version + 1, updated_at = now() WHERE id = ${id};
INSERT INTO bench_moves (stock_id, on_hand_delta, reserved_delta, reason) VALUES (${id}, 0, 1, 'reserve');
COMMIT;
`;

export const BASELINES: Record<Exclude<BaselineName, 'search-sql' | 'search-sql-1m'>, BaselineSpec> = {
  'hot-update': {
    name: 'hot-update',
    title: 'one hot row: single conditional UPDATE',
    database: 'pgbench',
    scripts: ['UPDATE bench_stock SET reserved = reserved + 1 WHERE id = 1 AND on_hand - reserved >= 1;\n'],
  },
  'hot-for-update': {
    name: 'hot-for-update',
    title: 'one hot row: BEGIN; SELECT … FOR UPDATE; UPDATE; INSERT; COMMIT',
    database: 'pgbench',
    scripts: [forUpdate('1')],
  },
  'uniform-for-update': {
    name: 'uniform-for-update',
    title: `${UNIFORM_PRODUCTS.toLocaleString('en')} rows: BEGIN; SELECT … FOR UPDATE; UPDATE; INSERT; COMMIT`,
    database: 'pgbench',
    scripts: [forUpdate(':id')],
  },
  'bulk-1000': {
    name: 'bulk-1000',
    title: `${SYNC_ITEMS.toLocaleString('en')} rows in one transaction: UPDATE … BETWEEN; INSERT … SELECT`,
    database: 'pgbench',
    scripts: [
      `\\set s random(0, ${CATALOGUE_PRODUCTS / SYNC_ITEMS - 1}) * ${SYNC_ITEMS} + 1
BEGIN;
UPDATE bench_stock SET on_hand = on_hand + 1, version = version + 1, updated_at = now() WHERE id BETWEEN :s AND :s + ${SYNC_ITEMS - 1};
INSERT INTO bench_moves (stock_id, on_hand_delta, reserved_delta, reason) SELECT g, 1, 0, 'sync' FROM generate_series(:s, :s + ${SYNC_ITEMS - 1}) g;
COMMIT;
`,
    ],
  },
};

/**
 * The search baseline: the very SQL the API runs for each query (all its
 * statements, one pgbench script per query), with its parameters inlined.
 */
export function searchBaseline(
  name: 'search-sql' | 'search-sql-1m',
  searches: { sql: string; parameters: readonly unknown[] }[][],
): BaselineSpec {
  const literal = (value: unknown): string => {
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value === null || value === undefined) return 'null';
    const text = Array.isArray(value)
      ? `{${value.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`
      : String(value);
    return `'${text.replace(/'/g, "''")}'`;
  };
  return {
    name,
    title: 'the search SQL of the API, same queries, straight to PostgreSQL',
    database: 'app',
    scripts: searches.map((statements) =>
      statements
        .map(({ sql, parameters }) => {
          const inlined = sql.replace(/\$(\d+)/g, (_, n: string) => literal(parameters[Number(n) - 1]));
          if (inlined.includes(';'))
            throw new Error('search SQL contains a ";"; cannot make a pgbench script');
          // pgbench reads ":name" as a variable; the SQL has only "::" casts and ":*", which it leaves alone.
          return `${inlined.replace(/\s*\n\s*/g, ' ')};\n`;
        })
        .join(''),
    ),
  };
}

export interface PgbenchResult {
  name: BaselineName;
  clients: number;
  seconds: number;
  tps: number;
  latencyAvgMs: number;
  transactions: number;
  failed: number;
  /** pgbench's "initial connection time", ms. */
  connectMs: number;
  error?: string;
}

export async function runPgbench(options: {
  pgbench: string;
  url: string;
  spec: BaselineSpec;
  clients: number;
  threads: number;
  seconds: number;
  dir: string;
}): Promise<PgbenchResult> {
  const { spec, clients, seconds } = options;
  const url = new URL(options.url);
  const files = spec.scripts.map((script, i) => {
    const file = path.join(options.dir, `${spec.name}-${i}.sql`);
    writeFileSync(file, script);
    return file;
  });
  const args = [
    '-h',
    url.searchParams.get('host') ?? url.hostname, // a directory: the Unix socket, as the API uses
    '-p',
    url.port || '5432',
    '-U',
    decodeURIComponent(url.username || 'postgres'),
    '-n',
    '-M',
    'prepared',
    '-c',
    String(clients),
    '-j',
    String(Math.min(options.threads, clients)),
    '-T',
    String(Math.max(1, Math.round(seconds))),
    ...files.flatMap((f) => ['-f', f]),
    decodeURIComponent(url.pathname.slice(1)),
  ];
  const output = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
    const child = spawn(options.pgbench, args, {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password), PGSSLMODE: 'disable' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.stderr.on('data', (chunk) => {
      text += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, text }));
  });
  const number = (re: RegExp) => {
    const match = re.exec(output.text);
    return match ? Number(match[1]) : Number.NaN;
  };
  const tps = number(/tps = ([\d.]+) \(without initial connection time\)/);
  const result: PgbenchResult = {
    name: spec.name,
    clients,
    seconds,
    tps,
    latencyAvgMs: number(/latency average = ([\d.]+) ms/),
    transactions: number(/number of transactions actually processed: (\d+)/),
    failed: number(/number of failed transactions: (\d+)/) || 0,
    connectMs: number(/initial connection time = ([\d.]+) ms/),
  };
  if (output.code !== 0 || Number.isNaN(tps)) {
    const lines = output.text.trim().split('\n');
    const errors = lines.filter((l) => /error|fatal|abort/i.test(l));
    result.error = (errors.length > 0 ? errors : lines.slice(-3)).slice(0, 3).join(' | ');
  } else if (result.transactions === 0) {
    result.error = `no transaction completed in ${seconds} s`;
  }
  if (result.error && process.env.BENCH_DEBUG) console.error(output.text);
  return result;
}
