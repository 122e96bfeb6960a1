/**
 * The targets of the benchmark issue (#13), judged on one run, and their median over several runs.
 * Every target carries the measured number and its goal, so runs can be combined: the issue asks
 * for the median of three runs per target, because the baselines move between runs on shared cores.
 */
import type { ScenarioName } from './config.js';
import type { StormResult } from './expiry-storm.js';
import type { BaselineName } from './pgbench.js';
import type { BaselineResult, CellResult, Results, Target } from './results.js';

type Goal = Target['goal'];

const fmt = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits);
const rate = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

const meets = (value: number, goal: Goal) =>
  (goal.atLeast === undefined || value >= goal.atLeast) &&
  (goal.atMost === undefined || value <= goal.atMost);

export const goalText = (goal: Goal) =>
  goal.atLeast !== undefined ? `≥ ${goal.atLeast}${goal.unit}` : `≤ ${goal.atMost}${goal.unit}`;

function judged(id: string, name: string, goal: Goal, value: number | null, detail: string): Target {
  if (value === null) return { id, name, status: 'not measured', detail, value, goal };
  return { id, name, status: meets(value, goal) ? 'met' : 'missed', detail, value, goal };
}

export function evaluateTargets(
  cells: CellResult[],
  baselines: BaselineResult[],
  storm: StormResult | undefined,
): Target[] {
  // With several API variants (node × workers), a target is judged on the variant that did best.
  const cell = (s: ScenarioName, c: number) =>
    cells
      .filter((x) => x.scenario === s && x.clients === c)
      .sort((a, b) => b.stats.throughput - a.stats.throughput)[0];
  const base = (n: BaselineName, c: number) =>
    baselines.find((b) => b.name === n && b.clients === c && !b.error);
  const variant = (c: CellResult | undefined) =>
    c?.api ? `node ${c.api.node}, ${c.api.workers} worker(s)` : 'API_URL';

  /** A scenario's ok/s over a pgbench baseline's tps, both at 64 clients. */
  const ratioTarget = (id: string, name: string, s: ScenarioName, b: BaselineName, atLeast: number) => {
    const c = cell(s, 64);
    const bl = base(b, 64);
    const value = c && bl ? c.stats.throughput / bl.tps : null;
    const detail =
      c && bl && value !== null
        ? `${rate(c.stats.throughput)}/s vs ${b} ${rate(bl.tps)}/s = ${value.toFixed(2)}× (${variant(c)})`
        : `needs ${s} and the ${b} baseline at 64 clients`;
    return judged(id, name, { atLeast, unit: '×' }, value, detail);
  };
  const latencyTarget = (
    id: string,
    name: string,
    s: ScenarioName,
    clients: number,
    p: 'p95' | 'p99',
    atMost: number,
  ) => {
    const c = cell(s, clients);
    const l = c?.stats.latency;
    return judged(
      id,
      name,
      { atMost, unit: ' ms' },
      l ? l[p] : null,
      l
        ? `${p} ${fmt(l[p])} ms (p50 ${fmt(l.p50)}, p95 ${fmt(l.p95)}, p99 ${fmt(l.p99)}; ${variant(c)})`
        : `needs ${s} at ${clients} clients`,
    );
  };

  // No collapse is judged per API variant (both client counts on the same API), on the worst one.
  const collapse = cells
    .filter((x) => x.scenario === 'hot' && x.clients === 256)
    .flatMap((at256) => {
      const at16 = cells.find(
        (x) => x.scenario === 'hot' && x.clients === 16 && variant(x) === variant(at256),
      );
      return at16 ? [{ at16, at256, ratio: at256.stats.throughput / at16.stats.throughput }] : [];
    })
    .sort((a, b) => a.ratio - b.ratio)[0];
  const hotCpu = cells
    .filter((x) => x.scenario === 'hot' && x.clients === 64 && x.apiMsPerOp !== null)
    .sort((a, b) => (a.apiMsPerOp ?? 0) - (b.apiMsPerOp ?? 0))[0];
  const failed = cells.filter((c) => !c.check.ok);
  const stormAfter = storm ? storm.releasedAfterSeconds : null;

  return [
    latencyTarget(
      'search-100k-p95',
      'Search over 100,000 products, 16 clients: p95',
      'search',
      16,
      'p95',
      30,
    ),
    latencyTarget(
      'search-1m-p95',
      'Search over 1,000,000 products, 16 clients: p95',
      'search-1m',
      16,
      'p95',
      60,
    ),
    ratioTarget(
      'hot',
      'Hot product, 64 clients: reservations/s ÷ pgbench single-statement hot-row UPDATE',
      'hot',
      'hot-update',
      2,
    ),
    latencyTarget('hot-p99', 'Hot product, 64 clients: p99', 'hot', 64, 'p99', 100),
    judged(
      'hot-cpu',
      'Hot product, 64 clients: API CPU per reservation',
      { atMost: 0.25, unit: ' ms' },
      hotCpu?.apiMsPerOp ?? null,
      hotCpu
        ? `${fmt(hotCpu.apiMsPerOp, 3)} ms (${variant(hotCpu)})`
        : 'needs hot at 64 clients with the API as a child process',
    ),
    ratioTarget(
      'uniform',
      'Uniform, 64 clients: reservations/s ÷ pgbench SELECT … FOR UPDATE over 10,000 rows',
      'uniform',
      'uniform-for-update',
      0.8,
    ),
    ratioTarget(
      'checkout',
      'Checkout, 64 clients: flows/s ÷ pgbench SELECT … FOR UPDATE over 10,000 rows',
      'checkout',
      'uniform-for-update',
      0.1,
    ),
    latencyTarget('checkout-p99', 'Checkout, 64 clients: p99 of the whole flow', 'checkout', 64, 'p99', 250),
    ratioTarget(
      'sync',
      'Bulk sync, 64 clients: items/s ÷ pgbench 1,000-row transaction (× 1,000)',
      'sync',
      'bulk-1000',
      0.8,
    ),
    judged(
      'expiry-storm',
      'Expiry storm: 10,000 holds due at once, seconds until all are released',
      { atMost: 5, unit: ' s' },
      storm?.check.ok ? stormAfter : null,
      !storm
        ? 'needs the expiry scenario'
        : stormAfter === null
          ? 'not all released in time'
          : `all released ${stormAfter.toFixed(2)} s after due (first ${fmt(storm.firstAfterSeconds, 2)} s; ${storm.orders} orders among them); check ${storm.check.ok ? 'clean' : storm.check.problems.join('; ')}`,
    ),
    judged(
      'no-collapse',
      'No collapse: hot product at 256 clients ÷ at 16 clients',
      { atLeast: 0.9, unit: '×' },
      collapse ? collapse.ratio : null,
      collapse
        ? `${rate(collapse.at256.stats.throughput)}/s at 256 vs ${rate(collapse.at16.stats.throughput)}/s at 16 (${variant(collapse.at16)}; the worst variant)`
        : 'needs hot at 16 and 256',
    ),
    judged(
      'correctness',
      'Correctness after every cell (no oversell, ledger = levels, audit clean): cells with a problem',
      { atMost: 0, unit: '' },
      cells.length === 0 ? null : failed.length + (storm && !storm.check.ok ? 1 : 0),
      failed.length === 0
        ? `${cells.length + (storm ? 1 : 0)} check(s), all clean`
        : failed.map((c) => `${c.scenario}@${c.clients}: ${c.check.problems.join('; ')}`).join(' | '),
    ),
  ];
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * Each target's median value over the runs that measured it (the "median of three runs"),
 * every run judged afresh from its cells, so the runs are judged alike.
 */
export function medianTargets(runs: Results[]): Target[] {
  const judgedRuns = runs.map((r) => evaluateTargets(r.cells, r.baselines, r.storm));
  const first = judgedRuns[0];
  if (!first) return [];
  return first.map((t) => {
    const values = judgedRuns
      .map((targets) => targets.find((x) => x.id === t.id)?.value)
      .filter((v): v is number => typeof v === 'number');
    const value = values.length > 0 ? median(values) : null;
    const digits = t.goal.unit === '×' ? 2 : t.goal.unit === ' ms' && t.id === 'hot-cpu' ? 3 : 1;
    const detail = `median ${fmt(value, digits)}${t.goal.unit} of ${values.map((v) => v.toFixed(digits)).join(', ')}`;
    return judged(t.id, t.name, t.goal, value, detail);
  });
}
