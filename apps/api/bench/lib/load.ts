/**
 * The load generator: N concurrent "clients", each an async loop issuing its
 * requests back to back over its own keep-alive connection, for a warm-up and
 * then a measured window. Every latency inside the window is kept, so the
 * percentiles are exact (nearest rank over the sorted array).
 */
import { Pool } from 'undici';

export interface Reply {
  status: number;
  text: string;
}

export class Http {
  private readonly pool: Pool;

  constructor(origin: string, connections: number) {
    this.pool = new Pool(origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Reply> {
    const response = await this.pool.request({
      method,
      path,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.statusCode, text: await response.body.text() };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** "409 INSUFFICIENT_STOCK": the HTTP status and the appCode (or tRPC code) of a failed call. */
function errorLabel(reply: Reply): string {
  let code: string | undefined;
  try {
    const body = JSON.parse(reply.text) as {
      error?: { code?: unknown; data?: { appCode?: string; code?: string } };
    };
    code =
      body.error?.data?.appCode ??
      body.error?.data?.code ??
      (typeof body.error?.code === 'string' ? body.error.code : undefined);
  } catch {}
  return `${reply.status} ${code ?? 'non-JSON'}`;
}

/** A success may carry a tag (the search query) for latency by tag. */
export type Outcome = { ok: true; tag?: string } | { ok: false; error: string; body?: string };
export const OK: Outcome = { ok: true };
export const failed = (reply: Reply, prefix = ''): Outcome => ({
  ok: false,
  error: `${prefix}${errorLabel(reply)}`,
  body: reply.text.slice(0, 400),
});

/** One unit of work of a client (one request, or a whole checkout flow). */
export type Operation = (client: number, seq: number) => Promise<Outcome>;

interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export interface CellStats {
  clients: number;
  /** Length of the measured window, s. */
  seconds: number;
  /** Successes completed inside the window. */
  ok: number;
  /** Successes per second inside the window. */
  throughput: number;
  /** Failures inside the window, by label. */
  errors: Record<string, number>;
  errorCount: number;
  /** Failures completed after the window (requests still in flight at its end), by label. */
  errorsAfterWindow: Record<string, number>;
  /** Latency of the successes inside the window, ms. */
  latency: LatencySummary;
  /** Everything, warm-up and the requests still in flight at the end included (for the accounting checks). */
  totalOk: number;
  totalErrors: number;
  /** One response body per error label, to tell what went wrong. */
  errorSamples: Record<string, string>;
  /** Latency of the successes inside the window, by tag. */
  byTag?: Record<string, LatencySummary & { count: number }>;
}

/** Nearest-rank percentile of a sorted array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

function summarize(latencies: number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

export async function runCell(options: {
  clients: number;
  warmupSeconds: number;
  seconds: number;
  operation: Operation;
}): Promise<CellStats> {
  const { clients, operation } = options;
  const begin = performance.now();
  const windowStart = begin + options.warmupSeconds * 1000;
  const windowEnd = windowStart + options.seconds * 1000;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const errorsAfterWindow: Record<string, number> = {};
  const tagged = new Map<string, number[]>();
  const errorSamples: Record<string, string> = {};
  let ok = 0;
  let totalOk = 0;
  let totalErrors = 0;
  let seq = 0;

  const loop = async (client: number) => {
    while (performance.now() < windowEnd) {
      const started = performance.now();
      let outcome: Outcome;
      try {
        outcome = await operation(client, seq++);
      } catch (error) {
        const code = (error as { code?: string }).code ?? (error as Error).name;
        outcome = { ok: false, error: `client ${code}`, body: (error as Error).message };
      }
      const finished = performance.now();
      const inWindow = finished >= windowStart && finished <= windowEnd;
      if (outcome.ok) {
        totalOk++;
        if (inWindow) {
          ok++;
          latencies.push(finished - started);
          if (outcome.tag !== undefined) {
            const list = tagged.get(outcome.tag) ?? [];
            list.push(finished - started);
            tagged.set(outcome.tag, list);
          }
        }
      } else {
        totalErrors++;
        if (inWindow) errors[outcome.error] = (errors[outcome.error] ?? 0) + 1;
        else if (finished > windowEnd) {
          errorsAfterWindow[outcome.error] = (errorsAfterWindow[outcome.error] ?? 0) + 1;
        }
        if (errorSamples[outcome.error] === undefined) errorSamples[outcome.error] = outcome.body ?? '';
        // A client that cannot even connect must not spin.
        if (outcome.error.startsWith('client ')) await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => loop(i)));

  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    clients,
    seconds: options.seconds,
    ok,
    throughput: ok / options.seconds,
    errors,
    errorCount,
    errorsAfterWindow,
    latency: summarize(latencies),
    totalOk,
    totalErrors,
    errorSamples,
    byTag:
      tagged.size > 0
        ? Object.fromEntries(
            [...tagged].map(([tag, list]) => [tag, { ...summarize(list), count: list.length }]),
          )
        : undefined,
  };
}
