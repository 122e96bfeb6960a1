/** The benchmark's settings, from the environment (see bench/README.md). */

// \`search-1m\` runs last: it grows the catalogue to 1,000,000 products first.
const SCENARIOS = ['hot', 'uniform', 'checkout', 'search', 'sync', 'search-1m'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
const DEFAULT_CLIENTS = [16, 64, 256];
const DEFAULT_SECONDS = 8;

export interface Config {
  /** Measured seconds per cell (scenario × clients), and per pgbench run. */
  seconds: number;
  pgbenchSeconds: number;
  warmupSeconds: number;
  clients: number[];
  scenarios: ScenarioName[];
  /** A PostgreSQL server to use instead of an embedded one (or, with API_URL, the API's own database). */
  databaseUrl?: string;
  /** A running API to measure instead of starting one (needs DATABASE_URL of its database). */
  apiUrl?: string;
  /** DB_POOL_MAX of the API child. */
  apiPoolMax: number;
  pgbenchPath: string;
  pgbenchThreads: number;
  /** Rewrite bench/RESULTS.md (by default only after a full run at the default settings). */
  writeResultsMd: boolean;
  /** Where the hot product's stock starts (never runs out during a run). */
  hotOnHand: number;
}

function list(value: string | undefined): string[] | undefined {
  if (!value || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${value}"`);
  return n;
}

/** `--only search,hot` (or `--only=…`): like BENCH_SCENARIOS; a name also picks its variants (`search` → search, search-1m). */
function onlyFromArgs(argv: string[]): string[] | undefined {
  const at = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (at < 0) return undefined;
  const value = argv[at]?.startsWith('--only=') ? argv[at]?.slice('--only='.length) : argv[at + 1];
  const names = list(value);
  if (!names) throw new Error('--only needs scenario names, e.g. --only search');
  return names.flatMap((name) => {
    const picked = SCENARIOS.filter((s) => s === name || s.startsWith(`${name}-`));
    if (picked.length === 0)
      throw new Error(`--only: unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
    return picked;
  });
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv.slice(2),
): Config {
  const scenarios = (onlyFromArgs(argv) ?? list(env.BENCH_SCENARIOS) ?? [...SCENARIOS]).map((s) => {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new Error(`BENCH_SCENARIOS: unknown scenario "${s}" (known: ${SCENARIOS.join(', ')})`);
    }
    return s as ScenarioName;
  });
  const clients = (list(env.BENCH_CLIENTS) ?? DEFAULT_CLIENTS.map(String)).map((c) => {
    const n = Number(c);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`BENCH_CLIENTS: "${c}" is not 1–1000`);
    return n;
  });
  const seconds = positive('BENCH_SECONDS', env.BENCH_SECONDS, DEFAULT_SECONDS);
  const fullRun =
    scenarios.length === SCENARIOS.length &&
    DEFAULT_CLIENTS.every((c) => clients.includes(c)) &&
    seconds >= DEFAULT_SECONDS;
  if (env.API_URL && !env.DATABASE_URL) {
    throw new Error(
      'API_URL needs DATABASE_URL too: the database of that API (for the data setup and the checks)',
    );
  }
  return {
    seconds,
    pgbenchSeconds: positive('BENCH_PGBENCH_SECONDS', env.BENCH_PGBENCH_SECONDS, Math.min(seconds, 5)),
    warmupSeconds: positive('BENCH_WARMUP_SECONDS', env.BENCH_WARMUP_SECONDS, 1),
    clients: [...new Set(clients)].sort((a, b) => a - b),
    scenarios: SCENARIOS.filter((s) => scenarios.includes(s)),
    databaseUrl: env.DATABASE_URL || undefined,
    apiUrl: env.API_URL ? env.API_URL.replace(/\/+$/, '') : undefined,
    apiPoolMax: positive('BENCH_API_POOL_MAX', env.BENCH_API_POOL_MAX, 20),
    pgbenchPath: env.PGBENCH ?? '/usr/lib/postgresql/15/bin/pgbench',
    pgbenchThreads: positive('BENCH_PGBENCH_THREADS', env.BENCH_PGBENCH_THREADS, 2),
    writeResultsMd: env.BENCH_WRITE_RESULTS ? env.BENCH_WRITE_RESULTS === '1' : fullRun,
    hotOnHand: 50_000_000,
  };
}
