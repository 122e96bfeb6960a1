/**
 * Where the CPU goes during a cell, from /proc: the API process (with its
 * worker processes: its live children and those it reaped), every
 * PostgreSQL process (the postmaster's own time, its reaped children's, and its
 * live backends'), this process (the load generator), and pgbench (a child of
 * this process, counted once reaped). Figures are in cores (1.0 = one core busy).
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime, ticks. */
  own: number;
  /** cutime + cstime (reaped children), ticks. */
  children: number;
}

function readStat(pid: number | 'self'): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const comm = text.slice(open + 1, close);
    const fields = text
      .slice(close + 2)
      .split(' ')
      .map((f) => Number(f));
    // After "pid (comm) ": state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    return {
      pid: Number(text.slice(0, open).trim()),
      comm,
      ppid: fields[1] ?? 0,
      own: (fields[11] ?? 0) + (fields[12] ?? 0),
      children: (fields[13] ?? 0) + (fields[14] ?? 0),
    };
  } catch {
    return undefined;
  }
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/**
 * PostgreSQL's CPU ticks: the postmaster (own + reaped children) plus its live
 * children. With no postmaster pid known (an outside server), every PostgreSQL
 * process on the machine.
 */
function postgresTicks(stats: ProcStat[], postmasterPid: number | undefined): number {
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  let ticks = 0;
  for (const s of stats) {
    if (postmasterPid !== undefined) {
      if (s.pid === postmasterPid) ticks += s.own + s.children;
      else if (s.ppid === postmasterPid) ticks += s.own;
      continue;
    }
    if (s.comm !== 'postgres') continue;
    const parent = byPid.get(s.ppid);
    if (parent?.comm === 'postgres') ticks += s.own;
    else ticks += s.own + s.children; // a postmaster
  }
  return ticks;
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((v) => Number(v));
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

interface Snapshot {
  at: number;
  api: number;
  postgres: number;
  self: number;
  reapedChildren: number;
  machine: { busy: number; total: number };
}

export interface CpuUse {
  /** Cores busy on average over the cell. */
  api: number;
  postgres: number;
  loadGenerator: number;
  /** Children of this process (pgbench) reaped during the cell. */
  pgbench: number;
  /** Everything on the machine (other processes included), cores. */
  machine: number;
  /** The rest of the machine: processes that are not part of the benchmark. */
  others: number;
  cores: number;
  /** How long the meter ran, s. */
  seconds: number;
}

export interface Watched {
  apiPid?: number;
  postmasterPid?: number;
}

/** The API process and its workers (node:cluster children), ticks. */
function apiTicks(stats: ProcStat[], apiPid: number | undefined): number {
  if (!apiPid) return 0;
  let ticks = 0;
  for (const s of stats) {
    if (s.pid === apiPid) ticks += s.own + s.children;
    else if (s.ppid === apiPid) ticks += s.own;
  }
  return ticks;
}

function snapshot({ apiPid, postmasterPid }: Watched): Snapshot {
  const stats = allStats();
  const self = readStat('self');
  return {
    at: performance.now(),
    api: apiTicks(stats, apiPid),
    postgres: postgresTicks(stats, postmasterPid),
    self: self?.own ?? 0,
    reapedChildren: self?.children ?? 0,
    machine: machineTicks(),
  };
}

export function cpuMeter(watched: Watched): { stop(): CpuUse } {
  const start = snapshot(watched);
  return {
    stop() {
      const end = snapshot(watched);
      const seconds = (end.at - start.at) / 1000;
      const cores = (ticks: number) => Math.max(0, ticks) / TICKS_PER_SECOND / seconds;
      const machineTotal = end.machine.total - start.machine.total;
      const api = cores(end.api - start.api);
      const postgres = cores(end.postgres - start.postgres);
      const loadGenerator = cores(end.self - start.self);
      const pgbench = cores(end.reapedChildren - start.reapedChildren);
      const machine =
        machineTotal > 0 ? ((end.machine.busy - start.machine.busy) / machineTotal) * os.cpus().length : 0;
      return {
        api,
        postgres,
        loadGenerator,
        pgbench,
        machine,
        others: Math.max(0, machine - api - postgres - loadGenerator - pgbench),
        cores: os.cpus().length,
        seconds,
      };
    },
  };
}
