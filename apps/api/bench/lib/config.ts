/** The benchmark's settings, from the environment (see bench/README.md). */

const SCENARIOS = ['hot', 'uniform', 'checkout', 'search', 'sync', 'expiry'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** The scenarios measured at each client count (the expiry storm is one timed event). */
export type LoadScenarioName = Exclude<ScenarioName, 'expiry'>;
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

/**
 * `--only a,b` (or `--only=a,b`, repeatable): keep the scenarios whose name or
 * title contains one of the substrings (case-insensitive). Undefined without it.
 */
function onlyFilter(argv: string[]): string[] | undefined {
  const parts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--only') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error('--only needs a value');
      parts.push(value);
      i++;
    } else if (arg.startsWith('--only=')) parts.push(arg.slice('--only='.length));
  }
  if (parts.length === 0) return undefined;
  return parts.flatMap((p) => list(p) ?? []).map((p) => p.toLowerCase());
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv.slice(2),
  titles: Record<ScenarioName, string> = Object.fromEntries(SCENARIOS.map((s) => [s, s])) as Record<
    ScenarioName,
    string
  >,
): Config {
  let scenarios = (list(env.BENCH_SCENARIOS) ?? [...SCENARIOS]).map((s) => {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new Error(`BENCH_SCENARIOS: unknown scenario "${s}" (known: ${SCENARIOS.join(', ')})`);
    }
    return s as ScenarioName;
  });
  const only = onlyFilter(argv);
  if (only) {
    scenarios = scenarios.filter((s) =>
      only.some((o) => s.includes(o) || titles[s].toLowerCase().includes(o)),
    );
    if (scenarios.length === 0) {
      throw new Error(`--only ${only.join(',')}: no scenario matches (known: ${SCENARIOS.join(', ')})`);
    }
  }
  const clients = (list(env.BENCH_CLIENTS) ?? DEFAULT_CLIENTS.map(String)).map((c) => {
    const n = Number(c);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`BENCH_CLIENTS: "${c}" is not 1–1000`);
    return n;
  });
  const seconds = positive('BENCH_SECONDS', env.BENCH_SECONDS, DEFAULT_SECONDS);
  const fullRun =
    !only &&
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
