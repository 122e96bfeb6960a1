/**
 * The webhook dispatcher each API process runs: fans new outbox events out to
 * delivery rows and sends due deliveries, at most `concurrency` at once. Every
 * process may run one; PostgreSQL decides who fans out and who sends what (see
 * core's webhooks/dispatch.ts), so nothing is sent twice while an endpoint
 * answers 2xx, and nothing is lost when a process stops.
 */
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  type DeliverySchedule,
  fanOutEvents,
  recordAttempt,
} from '@stockroom/core';
import type { Db } from '@stockroom/db';
import type { FastifyBaseLogger } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Sender } from './sender.js';

export interface DispatcherOptions {
  db: Db;
  sender: Sender;
  schedule: DeliverySchedule;
  concurrency: number;
  /** Look for due retries this often when nothing wakes the dispatcher sooner. */
  pollMs: number;
  /** Resolves when new events may have been written (or after `timeoutMs`). */
  nextChange(timeoutMs: number): Promise<void>;
  log: FastifyBaseLogger;
  /** Where `stockroom_webhook_attempts_total` and its latency histogram are registered. */
  registry?: Registry;
}

export interface Dispatcher {
  /** Stop claiming; resolves when the sends in flight have been recorded. */
  stop(): Promise<void>;
}

export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, sender, schedule, log } = options;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let wake: (() => void) | undefined;
  const registers = options.registry ? [options.registry] : [];
  const attempts = new Counter({
    name: 'stockroom_webhook_attempts_total',
    help: 'Webhook delivery attempts made by this process, by result (succeeded, failed, dead, stale)',
    labelNames: ['result'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'stockroom_webhook_attempt_duration_seconds',
    help: 'Time from sending a webhook to reading (the first 1 KiB of) its answer',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  const deliver = async (delivery: ClaimedDelivery) => {
    const outcome = await sender.send(delivery);
    try {
      const result = await recordAttempt(db, delivery, outcome, schedule);
      attempts.inc({ result });
      latency.observe(outcome.latencyMs / 1000);
      if (result === 'dead')
        log.warn({ deliveryId: delivery.id, webhookId: delivery.webhookId }, 'webhook delivery gave up');
    } catch (error) {
      // The lease runs out and the delivery is tried again.
      log.warn({ err: error, deliveryId: delivery.id }, 'recording a webhook attempt failed');
    }
  };

  const round = async (): Promise<boolean> => {
    const read = await fanOutEvents(db);
    const free = options.concurrency - inFlight.size;
    const claimed = await claimDueDeliveries(db, free, schedule.leaseMs);
    for (const delivery of claimed) {
      const job: Promise<void> = deliver(delivery).finally(() => {
        inFlight.delete(job);
        wake?.();
      });
      inFlight.add(job);
    }
    // More may be waiting when a batch came back full.
    return read >= 500 || (claimed.length > 0 && claimed.length === free);
  };

  // Under a stream of events every commit wakes the dispatcher: take them in rounds at least this far apart.
  const minGapMs = Math.min(100, options.pollMs);
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      let busy = false;
      try {
        busy = await round();
      } catch (error) {
        if (stopped) break;
        log.warn({ err: error }, 'webhook dispatch failed; will retry');
      }
      if (busy || stopped) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        options.nextChange(options.pollMs).then(resolve, resolve);
      });
      wake = undefined;
      const rest = minGapMs - (Date.now() - started);
      if (rest > 0 && !stopped) await new Promise((r) => setTimeout(r, rest));
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      await Promise.allSettled([...inFlight]);
    },
  };
}
