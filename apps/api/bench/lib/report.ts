/** The table, the targets of the benchmark issue, the JSON file and RESULTS.md. */
import type { CheckResult } from './checks.js';
import type { ScenarioName } from './config.js';
import type { CpuUse } from './cpu.js';
import type { StormResult } from './expiry-storm.js';
import type { CellStats } from './load.js';
import type { BaselineName, PgbenchResult } from './pgbench.js';

export interface CellResult {
  scenario: ScenarioName;
  title: string;
  unit: string;
  clients: number;
  /** The API child's node and worker processes (undefined with API_URL). */
  api?: { node: string; workers: number };
  stats: CellStats;
  itemsPerSecond?: number;
  cpu: CpuUse;
  /** API CPU (all its processes) per unit of work, ms: the cell's API CPU time ÷ every operation it served. */
  apiMsPerOp: number | null;
  baseline: { name: BaselineName; tps: number | null };
  /** API throughput ÷ the baseline's tps at the same client count. */
  ratio: number | null;
  check: CheckResult;
}

export interface BaselineResult extends PgbenchResult {
  title: string;
  cpu: CpuUse;
}

export interface Target {
  name: string;
  status: 'met' | 'missed' | 'not measured';
  detail: string;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  postgres: string;
  pgbench: string;
  os: string;
}

export interface Results {
  date: string;
  machine: Machine;
  settings: {
    seconds: number;
    warmupSeconds: number;
    pgbenchSeconds: number;
    clients: number[];
    scenarios: ScenarioName[];
    apiPoolMax: number;
    database: string;
    api: string;
  };
  setupMs: Record<string, number>;
  baselines: BaselineResult[];
  cells: CellResult[];
  /** The expiry storm (one timed event, not a cell per client count). */
  storm?: StormResult;
  targets: Target[];
  durationSeconds: number;
}

const fmt = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits);
const rate = (n: number | null | undefined) =>
  n === null || n === undefined || Number.isNaN(n) ? '—' : n >= 100 ? n.toFixed(0) : n.toFixed(1);

function table(headers: string[], rows: string[][], right: boolean[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function markdown(headers: string[], rows: string[][], right: boolean[]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${right.map((r) => (r ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
  ];
}

function errorsText(stats: CellStats): string {
  const after = Object.values(stats.errorsAfterWindow).reduce((a, b) => a + b, 0);
  const afterText = after > 0 ? ` +${after} after window` : '';
  if (stats.errorCount === 0 && after === 0) return '0';
  const all = { ...stats.errorsAfterWindow };
  for (const [k, v] of Object.entries(stats.errors)) all[k] = (all[k] ?? 0) + v;
  const top = Object.entries(all)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([k]) => k)
    .join(', ');
  return `${stats.errorCount}${afterText} (${top})`;
}

function checkText(check: CheckResult): string {
  return check.ok ? 'ok' : `FAILED: ${check.problems.join('; ')}`;
}

const cpuText = (cpu: CpuUse) =>
  `${fmt(cpu.api)}/${fmt(cpu.postgres)}/${fmt(cpu.loadGenerator)}/${fmt(cpu.others)}`;

function cellRows(cells: CellResult[]): { headers: string[]; rows: string[][]; right: boolean[] } {
  return {
    headers: [
      'scenario',
      'api',
      'clients',
      'ok/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'errors',
      'baseline',
      'base tps',
      'ratio',
      'cpu api/pg/gen/other',
      'api ms/op',
      'correctness',
    ],
    right: [false, false, true, true, true, true, true, false, false, true, true, false, true, false],
    rows: cells.map((c) => [
      c.title,
      c.api ? `${c.api.node} ×${c.api.workers}` : 'API_URL',
      String(c.clients),
      rate(c.stats.throughput) +
        (c.itemsPerSecond !== undefined ? ` (${rate(c.itemsPerSecond)} items/s)` : ''),
      fmt(c.stats.latency.p50),
      fmt(c.stats.latency.p95),
      fmt(c.stats.latency.p99),
      errorsText(c.stats),
      c.baseline.name,
      rate(c.baseline.tps),
      c.ratio === null ? '—' : `${c.ratio.toFixed(2)}×`,
      cpuText(c.cpu),
      fmt(c.apiMsPerOp, 3),
      checkText(c.check),
    ]),
  };
}

function baselineRows(baselines: BaselineResult[]) {
  return {
    headers: ['pgbench baseline', 'clients', 'tps', 'avg ms', 'failed', 'cpu pg/pgbench/other', 'what'],
    right: [false, true, true, true, true, false, false],
    rows: baselines.map((b) => [
      b.name,
      String(b.clients),
      b.error ? `error: ${b.error.slice(0, 60)}` : rate(b.tps),
      fmt(b.latencyAvgMs),
      String(b.failed),
      `${fmt(b.cpu.postgres)}/${fmt(b.cpu.pgbench)}/${fmt(b.cpu.others)}`,
      b.title,
    ]),
  };
}

export function evaluateTargets(cells: CellResult[], baselines: BaselineResult[]): Target[] {
  // With several API variants (node × workers), a target is judged on the variant that did best.
  const cell = (s: ScenarioName, c: number) =>
    cells
      .filter((x) => x.scenario === s && x.clients === c)
      .sort((a, b) => b.stats.throughput - a.stats.throughput)[0];
  const base = (n: BaselineName, c: number) =>
    baselines.find((b) => b.name === n && b.clients === c && !b.error);
  const targets: Target[] = [];

  const hot64 = cell('hot', 64);
  const hotBase64 = base('hot-update', 64);
  targets.push(
    hot64 && hotBase64
      ? {
          name: 'Hot product, 64 clients: reservations/s ≥ 2 × pgbench single-statement hot-row UPDATE tx/s',
          status: hot64.stats.throughput >= 2 * hotBase64.tps ? 'met' : 'missed',
          detail: `${rate(hot64.stats.throughput)}/s vs 2 × ${rate(hotBase64.tps)} = ${rate(2 * hotBase64.tps)}/s (${(hot64.stats.throughput / hotBase64.tps).toFixed(2)}× the UPDATE)`,
        }
      : {
          name: 'Hot product, 64 clients ≥ 2 × pgbench hot-row UPDATE',
          status: 'not measured',
          detail: 'needs hot at 64 clients',
        },
  );

  const hot16 = cell('hot', 16);
  const hot256 = cell('hot', 256);
  targets.push(
    hot16 && hot256
      ? {
          name: 'No collapse: hot product at 256 clients ≥ 0.9 × hot product at 16 clients',
          status: hot256.stats.throughput >= 0.9 * hot16.stats.throughput ? 'met' : 'missed',
          detail: `${rate(hot256.stats.throughput)}/s at 256 vs ${rate(hot16.stats.throughput)}/s at 16 (${(hot256.stats.throughput / hot16.stats.throughput).toFixed(2)}×)`,
        }
      : {
          name: 'No collapse: hot 256 ≥ 0.9 × hot 16',
          status: 'not measured',
          detail: 'needs hot at 16 and 256',
        },
  );

  targets.push(
    hot64
      ? {
          name: 'Hot product, 64 clients: p99 latency ≤ 100 ms',
          status: hot64.stats.latency.p99 <= 100 ? 'met' : 'missed',
          detail: `p99 ${fmt(hot64.stats.latency.p99)} ms`,
        }
      : { name: 'Hot product, 64 clients: p99 ≤ 100 ms', status: 'not measured', detail: 'needs hot at 64' },
  );

  const hotCpu = cells
    .filter((x) => x.scenario === 'hot' && x.clients === 64 && x.apiMsPerOp !== null)
    .sort((a, b) => (a.apiMsPerOp ?? 0) - (b.apiMsPerOp ?? 0))[0];
  targets.push(
    hotCpu?.apiMsPerOp != null
      ? {
          name: 'Hot product, 64 clients: API CPU per reservation ≤ 0.25 ms',
          status: hotCpu.apiMsPerOp <= 0.25 ? 'met' : 'missed',
          detail: `${fmt(hotCpu.apiMsPerOp, 3)} ms (${hotCpu.api ? `node ${hotCpu.api.node}, ${hotCpu.api.workers} worker(s)` : 'API_URL'})`,
        }
      : {
          name: 'Hot product: API CPU per reservation ≤ 0.25 ms',
          status: 'not measured',
          detail: 'needs hot at 64 clients with the API as a child process',
        },
  );

  const uniform64 = cell('uniform', 64);
  const uniformBase64 = base('uniform-for-update', 64);
  targets.push(
    uniform64 && uniformBase64
      ? {
          name: 'Uniform, 64 clients: ≥ 0.8 × pgbench SELECT … FOR UPDATE transaction over 10,000 rows',
          status: uniform64.stats.throughput >= 0.8 * uniformBase64.tps ? 'met' : 'missed',
          detail: `${rate(uniform64.stats.throughput)}/s vs 0.8 × ${rate(uniformBase64.tps)} = ${rate(0.8 * uniformBase64.tps)}/s (${(uniform64.stats.throughput / uniformBase64.tps).toFixed(2)}×)`,
        }
      : {
          name: 'Uniform, 64 clients ≥ 0.8 × pgbench FOR UPDATE over 10,000 rows',
          status: 'not measured',
          detail: 'needs uniform at 64 clients',
        },
  );

  const search16 = cell('search', 16);
  targets.push(
    search16
      ? {
          name: 'Search over 100,000 products, 16 clients: p95 ≤ 30 ms',
          status: search16.stats.latency.p95 <= 30 ? 'met' : 'missed',
          detail: `p95 ${fmt(search16.stats.latency.p95)} ms (p50 ${fmt(search16.stats.latency.p50)}, p99 ${fmt(search16.stats.latency.p99)})`,
        }
      : { name: 'Search, 16 clients: p95 ≤ 30 ms', status: 'not measured', detail: 'needs search at 16' },
  );

  const million16 = cell('search-1m', 16);
  targets.push(
    million16
      ? {
          name: 'Search over 1,000,000 products, 16 clients: p95 ≤ 60 ms',
          status: million16.stats.latency.p95 <= 60 ? 'met' : 'missed',
          detail: `p95 ${fmt(million16.stats.latency.p95)} ms (p50 ${fmt(million16.stats.latency.p50)}, p99 ${fmt(million16.stats.latency.p99)})`,
        }
      : {
          name: 'Search over 1,000,000 products, 16 clients: p95 ≤ 60 ms',
          status: 'not measured',
          detail: 'needs search-1m at 16',
        },
  );

  const failedChecks = cells.filter((c) => !c.check.ok);
  targets.push({
    name: 'Correctness after every scenario: zero oversell, ledger and audit clean',
    status: cells.length === 0 ? 'not measured' : failedChecks.length === 0 ? 'met' : 'missed',
    detail:
      failedChecks.length === 0
        ? `${cells.length} check(s), all clean`
        : failedChecks.map((c) => `${c.scenario}@${c.clients}: ${c.check.problems.join('; ')}`).join(' | '),
  });
  return targets;
}

/** How busy the rest of the machine was: other work on the same cores disturbs every figure. */
function noiseNote(results: Results): string | undefined {
  const all = [...results.cells.map((c) => c.cpu.others), ...results.baselines.map((b) => b.cpu.others)];
  if (all.length === 0) return undefined;
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const max = Math.max(...all);
  if (max < 0.25)
    return `Machine quiet: other processes used ${fmt(mean, 2)} cores on average (max ${fmt(max, 2)}).`;
  return `WARNING: other processes on this machine used ${fmt(mean, 2)} cores on average (max ${fmt(max, 2)}) of ${results.machine.cores} during the measurements: every figure is disturbed; compare only with a run on a quiet machine.`;
}

/** The slowest search queries (p50), from the search cell at the fewest clients. */
function slowestQueries(results: Results, count = 5): string[] {
  const cell = results.cells
    .filter((c) => c.scenario === 'search' && c.stats.byTag)
    .sort((a, b) => a.clients - b.clients)[0];
  if (!cell?.stats.byTag) return [];
  return Object.entries(cell.stats.byTag)
    .sort((a, b) => b[1].p50 - a[1].p50)
    .slice(0, count)
    .map(
      ([tag, l]) =>
        `"${tag}": p50 ${fmt(l.p50)} ms, p95 ${fmt(l.p95)} ms (${l.count} at ${cell.clients} clients)`,
    );
}

const targetLine = (t: Target) =>
  `${t.status === 'met' ? '[met]   ' : t.status === 'missed' ? '[MISSED]' : '[n/a]   '} ${t.name} — ${t.detail}`;

export function renderText(results: Results): string {
  const cells = cellRows(results.cells);
  const baselines = baselineRows(results.baselines);
  const lines = [
    '',
    `Stockroom benchmark — ${results.date}`,
    `${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.postgres}`,
    `${results.settings.seconds} s per cell after ${results.settings.warmupSeconds} s warm-up; pgbench ${results.settings.pgbenchSeconds} s per run; API DB pool ${results.settings.apiPoolMax}`,
    '',
    ...table(cells.headers, cells.rows, cells.right),
    '',
    '  ok/s: successes per second in the measured window (checkout: whole flows; sync: requests of 1,000 items).',
    '  latency: of the successes (checkout: the whole flow, both calls). ratio: ok/s ÷ the baseline tps at the same clients.',
    '  cpu: cores busy on average (the API process / PostgreSQL / this load generator / everything else on the machine).',
    '  api: the node version and worker processes of the API. api ms/op: API CPU (every worker) per unit of work, ms.',
    '',
    ...table(baselines.headers, baselines.rows, baselines.right),
    '',
    ...(slowestQueries(results).length > 0
      ? ['Slowest search queries', ...slowestQueries(results).map((q) => `  ${q}`), '']
      : []),
    noiseNote(results) ?? '',
    '',
    'Targets',
    ...results.targets.map((t) => `  ${targetLine(t)}`),
    '',
  ];
  return lines.join('\n');
}

export function renderMarkdown(results: Results): string {
  const cells = cellRows(results.cells);
  const baselines = baselineRows(results.baselines);
  const m = results.machine;
  return [
    '# Benchmark results',
    '',
    'The last committed run of `pnpm bench` (see [README.md](README.md) for what it measures and how to run it).',
    'Numbers from one run on one machine: compare runs on the same machine, and ratios to the pgbench baselines of the same run.',
    '',
    `- Date: ${results.date}`,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.os}`,
    `- Node ${m.node}; ${m.postgres}; ${m.pgbench}`,
    `- Database: ${results.settings.database}; API: ${results.settings.api} (DB pool ${results.settings.apiPoolMax})`,
    `- ${results.settings.seconds} s measured per cell after ${results.settings.warmupSeconds} s warm-up; pgbench ${results.settings.pgbenchSeconds} s per run; whole run ${Math.round(results.durationSeconds)} s`,
    '',
    '## Scenarios',
    '',
    ...markdown(cells.headers, cells.rows, cells.right),
    '',
    'ok/s: successes per second in the measured window (checkout: whole flows start → paymentSucceeded; sync: requests of 1,000 items).',
    'Latency: of the successes, in ms. ratio: ok/s ÷ the baseline tps at the same client count.',
    'cpu: cores busy on average during the cell — the API process / PostgreSQL (postmaster and backends) / the load generator / everything else on the machine (noise).',
    'api: the node version and worker processes (WEB_CONCURRENCY) of the API. api ms/op: API CPU time (every worker) per unit of work in the cell, ms.',
    '',
    '## pgbench baselines (same server, same run)',
    '',
    ...markdown(baselines.headers, baselines.rows, baselines.right),
    '',
    ...(slowestQueries(results).length > 0
      ? ['Slowest search queries:', '', ...slowestQueries(results).map((q) => `- ${q}`), '']
      : []),
    noiseNote(results) ?? '',
    '',
    '## Targets',
    '',
    ...results.targets.map((t) => `- **${t.status}** — ${t.name}: ${t.detail}`),
    '',
  ].join('\n');
}
