/**
 * Hot-row coalescing for reservations.create.
 *
 * With one row lock per reservation, every buyer of a flash-sale product waits
 * in one line and throughput falls as buyers rise. The coalescer queues the
 * reservations a process receives and applies whatever is waiting together:
 * one transaction, one lock acquisition per stock level, one commit — while
 * every request still gets its own exact answer (its reservation, or
 * INSUFFICIENT_STOCK once the stock runs out mid-batch), its own reservation
 * row, ledger movement and events, and its own idempotency record.
 *
 * Correctness does not depend on the batching: the batch locks its stock rows
 * (FOR NO KEY UPDATE, global order) and decides every request against the
 * locked, current values, so batches of several processes on one database
 * serialise exactly like single reservations do. A batch spans products: one
 * transaction holds the reservations of every product of its queue and locks
 * each level it touches once, in the global order (warehouse id, product id),
 * so batches never deadlock each other — within a process or across
 * processes. Requests are queued in shards by product (default 8): a level
 * that is stuck (a hung lock, a slow row) stalls only its shard's queue, and
 * the other products are still served. One shard batches uniform traffic into
 * far fewer, larger transactions (measured 2–3× the reservations per second
 * of the database work at 64 callers over 10,000 products) but then one stuck
 * level would stall every product of the process, which the slow-database
 * chaos scenario forbids; see docs/design.md. A shard runs one batch at a time
 * and the next batch is whatever arrived meanwhile (no artificial wait).
 * If a batch fails for an unexpected reason, its requests are retried one by
 * one on the plain path, so one bad request cannot fail the others.
 */
import { type Db, databaseTrouble } from '@stockroom/db';
import {
  type HoldOutcome,
  type HoldRequest,
  holdBounds,
  pinnedWarehouses,
  type ReserveInput,
  type ReserveOptions,
  reserveInTrx,
  ZReserveInput,
} from '../holds/index.js';
import { inTransaction, requestHash, scopeKey } from '../idempotency/index.js';
import { assertTokenMayActAt } from '../shared/access.js';
import type { MutationContext } from '../shared/context.js';
import type { Reservation } from '../shared/dto.js';
import { DomainError } from '../shared/errors.js';
import { parseInput } from '../shared/validate.js';
import { createReservation } from './create.js';

export interface CoalescerOptions extends ReserveOptions {
  /** Most requests in one batch (default 256). */
  maxBatch?: number;
  /**
   * Independent queues, by product (default 8): a stuck level stalls only its own
   * shard. 1 batches best (every product together) but gives up that isolation.
   */
  shards?: number;
  /** Most requests waiting per shard before new ones are refused (back-pressure, default 5000). */
  maxQueue?: number;
  /**
   * Batches of one shard in flight at once (default 1). More lets the next batch
   * resolve products and claim keys while the previous holds the rows, but makes
   * batches smaller; on a 2-core machine one was faster (measured: 850 vs 770/s).
   */
  maxInFlight?: number;
  onBatch?: (size: number, seconds: number) => void;
  onFallback?: (error: unknown, size: number) => void;
}

interface Request {
  ctx: MutationContext;
  input: ReserveInput;
  /** The validated request, its bounds and its key, as the reserve step takes it. */
  hold: HoldRequest;
  resolve: (value: Reservation) => void;
  reject: (error: unknown) => void;
}

function shardOf(sku: string, shards: number): number {
  let h = 0;
  for (let i = 0; i < sku.length; i++) h = (Math.imul(h, 31) + sku.charCodeAt(i)) | 0;
  return Math.abs(h) % shards;
}

export class ReservationCoalescer {
  private readonly queues: Request[][];
  private readonly running: Set<Promise<void>>[];
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly options: CoalescerOptions = {},
  ) {
    const shards = options.shards ?? 8;
    this.queues = Array.from({ length: shards }, () => []);
    this.running = Array.from({ length: shards }, () => new Set());
    this.maxBatch = options.maxBatch ?? 256;
    this.maxQueue = options.maxQueue ?? 5000;
  }

  /** Same contract as `createReservation`, batched with whatever else is waiting. */
  reserve(ctx: MutationContext, input: ReserveInput): Promise<Reservation> {
    const data = parseInput(ZReserveInput, input);
    let hold: HoldRequest;
    try {
      assertTokenMayActAt(ctx.actor, pinnedWarehouses(data.lines));
      const bounds = holdBounds(ctx.actor, data.ttlSeconds, this.options);
      const claim = ctx.idempotency ? { scope: ctx.idempotency, hash: requestHash(input) } : undefined;
      hold = { actor: ctx.actor, data, bounds, ...(claim ? { claim } : {}) };
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.closed)
      return Promise.reject(new DomainError('UNAVAILABLE', 'The server is shutting down; retry'));
    const shard = shardOf(data.lines[0]?.sku ?? '', this.queues.length);
    const queue = this.queues[shard] as Request[];
    if (queue.length >= this.maxQueue) {
      return Promise.reject(
        new DomainError('RATE_LIMITED', 'Too many reservations are waiting; retry in a moment', {
          retryAfterSeconds: 1,
        }),
      );
    }
    return new Promise<Reservation>((resolve, reject) => {
      queue.push({ ctx, input, hold, resolve, reject });
      this.pump(shard);
    });
  }

  /** Stop taking requests and finish everything queued. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running.some((r) => r.size > 0) || this.queues.some((q) => q.length > 0)) {
      await Promise.all(this.running.flatMap((r) => [...r]));
      this.queues.forEach((_, shard) => {
        this.pump(shard);
      });
    }
  }

  get waiting(): number {
    return this.queues.reduce((sum, q) => sum + q.length, 0);
  }

  private pump(shard: number): void {
    const running = this.running[shard] as Set<Promise<void>>;
    const queue = this.queues[shard] as Request[];
    if (running.size >= (this.options.maxInFlight ?? 1) || queue.length === 0) return;
    const batch = queue.splice(0, this.maxBatch);
    const done: Promise<void> = this.run(batch).finally(() => {
      running.delete(done);
      this.pump(shard);
    });
    running.add(done);
  }

  private async run(batch: Request[]): Promise<void> {
    const started = performance.now();
    let outcomes: Map<Request, HoldOutcome>;
    try {
      outcomes = await reserveBatch(this.db, batch, this.options);
    } catch (error) {
      if (databaseTrouble(error) !== undefined) {
        // The database is away or too slow: every request would fail the same way
        // alone, only later. Answer them all now (the API says 503 + Retry-After).
        for (const request of batch) request.reject(error);
        return;
      }
      // Something unexpected (a bug, one poisoned request): let each request try
      // alone, a few at a time, so the others still get their answer.
      this.options.onFallback?.(error, batch.length);
      for (let i = 0; i < batch.length; i += 4) {
        await Promise.all(
          batch
            .slice(i, i + 4)
            .map((r) => createReservation(r.ctx, r.input, this.options).then(r.resolve, r.reject)),
        );
      }
      return;
    }
    this.options.onBatch?.(batch.length, (performance.now() - started) / 1000);
    for (const request of batch) {
      const outcome = outcomes.get(request);
      if (!outcome) request.reject(new Error('reservation batch lost a request'));
      else if ('ok' in outcome) request.resolve(outcome.ok);
      else request.reject(outcome.error);
    }
  }
}

/**
 * Apply a batch of reservations in one transaction; returns each request's
 * outcome. One idempotency key twice in a batch is sorted out first: the
 * repeats of the first request share its answer; a request that differs from
 * the first one under its key is answered after the batch, on the plain path,
 * against what the key then holds — a replay when it repeats the request the key
 * was first used for, IDEMPOTENCY_KEY_REUSED otherwise (the first one in the
 * batch may be the odd one out: exact retries behind it must still replay).
 */
async function reserveBatch(
  db: Db,
  batch: Request[],
  options: ReserveOptions,
): Promise<Map<Request, HoldOutcome>> {
  const outcomes = new Map<Request, HoldOutcome>();
  // Requests repeating one idempotency scope inside the batch share the first one's answer.
  const leaders = new Map<string, Request>();
  const followers = new Map<Request, Request>();
  const afterwards = new Set<Request>();
  for (const request of batch) {
    const claim = request.hold.claim;
    if (!claim) continue;
    const leader = leaders.get(scopeKey(claim.scope));
    if (!leader) leaders.set(scopeKey(claim.scope), request);
    else if (leader.hold.claim?.hash === claim.hash) followers.set(request, leader);
    else afterwards.add(request);
  }
  const work = batch.filter((r) => !followers.has(r) && !afterwards.has(r));
  if (work.length > 0) {
    const held = await inTransaction(db, (trx) =>
      reserveInTrx(
        trx,
        work.map((r) => r.hold),
        options,
      ),
    );
    for (const request of work) {
      const outcome = held.get(request.hold);
      if (outcome) outcomes.set(request, outcome);
    }
  }
  for (const [follower, leader] of followers) {
    outcomes.set(follower, outcomes.get(leader) as HoldOutcome);
  }
  // One at a time: two of them under one key replay each other like any retries.
  for (const request of afterwards) {
    outcomes.set(
      request,
      await createReservation(request.ctx, request.input, options).then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      ),
    );
  }
  return outcomes;
}
