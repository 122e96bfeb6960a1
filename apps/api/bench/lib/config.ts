/** The benchmark's settings, from the environment and `--only` (see bench/README.md). */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

// \`search-1m\` runs last: it grows the catalogue to 1,000,000 products first.
const SCENARIOS = ['hot', 'uniform', 'checkout', 'search', 'sync', 'search-1m', 'expiry'] as const;
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
  /** Every scenario at the default settings: such runs are kept in results/history for the median. */
  fullRun: boolean;
  /** Where the hot product's stock starts (never runs out during a run). */
  hotOnHand: number;
  /** How the API child runs: each variant (node binary × worker count) runs every selected scenario. */
  apiVariants: ApiVariant[];
  /** Extra arguments for the API child's node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
  apiNodeArgs: string[];
}

export interface ApiVariant {
  /** The node binary the API runs on. */
  node: string;
  /** Its `process.version`. */
  nodeVersion: string;
  /** WEB_CONCURRENCY: API worker processes. */
  workers: number;
}

/** `--only <text>`: only the scenarios whose name contains it (case-insensitive), e.g. `--only hot`. */
function onlyArgument(argv: readonly string[] = process.argv.slice(2)): string | undefined {
  const at = argv.indexOf('--only');
  if (at === -1) return undefined;
  const value = argv[at + 1];
  if (!value || value.startsWith('--')) throw new Error('--only needs a scenario name (or part of one)');
  return value.toLowerCase();
}

function nodeVersion(node: string): string {
  try {
    return execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`BENCH_NODE: "${node}" does not run (${(error as Error).message.split('\n')[0]})`);
  }
}

/** BENCH_NODE (node binaries) × BENCH_WORKERS (worker counts, default 1 and the number of cores). */
function apiVariants(env: NodeJS.ProcessEnv): ApiVariant[] {
  const nodes = list(env.BENCH_NODE) ?? [process.execPath];
  const cores = os.availableParallelism();
  const workers = [
    ...new Set(
      (list(env.BENCH_WORKERS) ?? ['1', String(cores)]).map((w) => {
        const n = Number(w);
        if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`BENCH_WORKERS: "${w}" is not 1–64`);
        return n;
      }),
    ),
  ];
  return nodes.flatMap((node) => {
    const version = nodeVersion(node);
    return workers.map((w) => ({ node, nodeVersion: version, workers: w }));
  });
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const only = onlyArgument();
  const named = (list(env.BENCH_SCENARIOS) ?? [...SCENARIOS]).filter(
    (s) => only === undefined || s.toLowerCase().includes(only),
  );
  if (named.length === 0) throw new Error(`--only ${only}: no scenario matches`);
  const scenarios = named.map((s) => {
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
    only === undefined &&
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
    fullRun,
    hotOnHand: 50_000_000,
    apiVariants: apiVariants(env),
    apiNodeArgs: (env.BENCH_API_NODE_ARGS ?? '').split(/\s+/).filter((a) => a.length > 0),
  };
}
