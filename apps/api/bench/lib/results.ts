/** The shapes of one benchmark run: its cells, baselines, targets (bench/results/*.json). */
import type { CheckResult } from './checks.js';
import type { ScenarioName } from './config.js';
import type { CpuUse } from './cpu.js';
import type { StormResult } from './expiry-storm.js';
import type { CellStats } from './load.js';
import type { BaselineName, PgbenchResult } from './pgbench.js';

export interface Target {
  /** Stable key across runs. */
  id: string;
  name: string;
  status: 'met' | 'missed' | 'not measured';
  detail: string;
  /** The measured number the goal judges (ratio, ms or s); null when not measured. */
  value: number | null;
  goal: { atLeast?: number; atMost?: number; unit: string };
}

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
  /** The median of each target over the last full runs (this one included), when there are several. */
  median?: { runs: string[]; targets: Target[] };
  durationSeconds: number;
}
