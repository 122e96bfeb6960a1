/** The table, the targets of the benchmark issue, the JSON file and RESULTS.md. */
import type { CheckResult } from './checks.js';
import type { CpuUse } from './cpu.js';
import type { CellStats } from './load.js';
import type { BaselineResult, CellResult, Results, Target } from './results.js';
import { goalText } from './targets.js';

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
  `${t.status === 'met' ? '[met]   ' : t.status === 'missed' ? '[MISSED]' : '[n/a]   '} ${t.name} ${goalText(t.goal)} — ${t.detail}`;

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
    'Targets (this run)',
    ...results.targets.map((t) => `  ${targetLine(t)}`),
    '',
    ...(results.median
      ? [
          `Targets: median of the last ${results.median.runs.length} full runs (${results.median.runs.join(', ')})`,
          ...results.median.targets.map((t) => `  ${targetLine(t)}`),
          '',
        ]
      : []),
  ];
  return lines.join('\n');
}

const markdownTarget = (t: Target) => `- **${t.status}** — ${t.name} ${goalText(t.goal)}: ${t.detail}`;

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
    ...(results.median
      ? [
          `## Targets: median of the last ${results.median.runs.length} full runs`,
          '',
          `Runs: ${results.median.runs.join(', ')} (this one last). Each target's median over the runs, judged against its goal.`,
          '',
          ...results.median.targets.map(markdownTarget),
          '',
        ]
      : []),
    '## Targets (this run)',
    '',
    ...results.targets.map(markdownTarget),
    '',
  ].join('\n');
}
