import { useState } from 'react';
import { errorInfo } from '../../lib/errors';
import { trpc } from '../../trpc';

/** One call of a bulk action: which order (and warehouse) it is for, and the call itself. */
export interface BulkJob {
  key: string;
  orderId: string;
  label: string;
  call: (idempotencyKey: string) => Promise<unknown>;
}

export interface BulkOutcome {
  key: string;
  orderId: string;
  label: string;
  state: 'waiting' | 'done' | 'refused';
  appCode?: string;
  message: string;
}

export interface BulkRun {
  action: string;
  doneText: string;
  outcomes: BulkOutcome[];
  finished: boolean;
}

/** At most this many calls at once: fast for twenty orders, gentle on the API's rate limit. */
const CONCURRENCY = 4;

/** Run `work` on every item, at most `limit` at a time; each item's failure is its own. */
async function runEach<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * A bulk action: every order's own call (its own idempotency key), a few at a time, and
 * per order the outcome — done, or the API's refusal (appCode and message). Never all or
 * nothing: the calls that succeed stay done, the refused ones are listed.
 */
export function useBulkRun() {
  const utils = trpc.useUtils();
  const [run, setRun] = useState<BulkRun | null>(null);

  async function start(action: string, doneText: string, jobs: BulkJob[]): Promise<BulkOutcome[]> {
    const outcomes = new Map<string, BulkOutcome>(
      jobs.map((j) => [
        j.key,
        { key: j.key, orderId: j.orderId, label: j.label, state: 'waiting', message: 'Waiting…' },
      ]),
    );
    const show = (finished: boolean) =>
      setRun({ action, doneText, outcomes: [...outcomes.values()], finished });
    show(false);
    await runEach(jobs, CONCURRENCY, async (job) => {
      const before = outcomes.get(job.key) as BulkOutcome;
      try {
        await job.call(crypto.randomUUID());
        outcomes.set(job.key, { ...before, state: 'done', message: doneText });
      } catch (error) {
        const info = errorInfo(error);
        outcomes.set(job.key, { ...before, state: 'refused', appCode: info.appCode, message: info.message });
      }
      show(false);
    });
    show(true);
    await utils.orders.invalidate();
    return [...outcomes.values()];
  }

  return { run, start, dismiss: () => setRun(null) };
}
