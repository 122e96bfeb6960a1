/**
 * Where a run's results go: results/latest.json always; full runs at the default settings also to
 * results/history/, and RESULTS.md then shows this run and each target's median over the last
 * MEDIAN_RUNS full runs (the issue judges the median of three: the baselines move between runs).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { renderMarkdown, renderText } from './report.js';
import type { Results } from './results.js';
import { evaluateTargets, medianTargets } from './targets.js';

const MEDIAN_RUNS = 3;

/** RESULTS.md, laid out as the repository's formatter wants it (Biome aligns markdown tables). */
function writeResultsMd(benchDir: string, results: Results): void {
  const file = path.join(benchDir, 'RESULTS.md');
  writeFileSync(file, renderMarkdown(results));
  try {
    execFileSync('pnpm', ['exec', 'biome', 'format', '--write', file], { cwd: benchDir, stdio: 'ignore' });
  } catch {
    // Without Biome the file is still valid markdown; `pnpm lint` will say it needs formatting.
  }
}

/** The last `count` full runs kept in results/history (oldest first), this one not included. */
function previousFullRuns(historyDir: string, count: number): Results[] {
  let files: string[];
  try {
    files = readdirSync(historyDir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .sort()
    .slice(-count)
    .map((f) => JSON.parse(readFileSync(path.join(historyDir, f), 'utf8')) as Results)
    .filter((r) => Array.isArray(r.cells) && Array.isArray(r.baselines));
}

/** Adds the median over the last full runs (when this is a full run) and writes the files. */
export function saveResults(
  results: Results,
  config: Config,
  benchDir: string,
  log: (line: string) => void,
): Results {
  const resultsDir = path.join(benchDir, 'results');
  const historyDir = path.join(resultsDir, 'history');
  mkdirSync(historyDir, { recursive: true });
  let saved = results;
  if (config.fullRun) {
    const runs = [...previousFullRuns(historyDir, MEDIAN_RUNS - 1), results];
    if (runs.length > 1)
      saved = { ...results, median: { runs: runs.map((r) => r.date), targets: medianTargets(runs) } };
    const file = path.join(historyDir, `${results.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  }
  const json = path.join(resultsDir, 'latest.json');
  writeFileSync(json, `${JSON.stringify(saved, null, 2)}\n`);
  log(`JSON: ${path.relative(process.cwd(), json)}`);
  if (config.writeResultsMd) {
    writeResultsMd(benchDir, saved);
    log('RESULTS.md updated');
  } else {
    log('RESULTS.md not updated (a subset or short run; BENCH_WRITE_RESULTS=1 forces it)');
  }
  return saved;
}

/**
 * `pnpm bench --report`: RESULTS.md again from the last full runs kept in results/history (the
 * latest run's tables, every run's targets judged afresh, their median), without measuring.
 */
export function reportFromHistory(benchDir: string): number {
  const runs = previousFullRuns(path.join(benchDir, 'results', 'history'), MEDIAN_RUNS);
  const latest = runs.at(-1);
  if (!latest) {
    console.error('no full run in bench/results/history: run `pnpm bench` first');
    return 1;
  }
  const results: Results = {
    ...latest,
    targets: evaluateTargets(latest.cells, latest.baselines, latest.storm),
    ...(runs.length > 1 ? { median: { runs: runs.map((r) => r.date), targets: medianTargets(runs) } } : {}),
  };
  writeResultsMd(benchDir, results);
  console.log(renderText(results));
  return 0;
}
