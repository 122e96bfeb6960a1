/**
 * The load of the HA suite: several clients, each sending keyed writes —
 * reservations (some on one scarce level, some confirmed), checkouts paid
 * right away, stock receipts — to two API processes. A write that gets no
 * answer, or 503/502/429, is sent again with the same Idempotency-Key and body
 * (to the other process) until it is answered. Every attempt is logged with
 * its start and end, so a fault's downtime is read off the log.
 */
import type { OrderIntent, ReservationIntent } from '../chaos/check.js';
import {
  type Answer,
  appCodeOf,
  type Json,
  NoAnswer,
  SERVICE_TOKEN,
  sleep,
  trpcData,
  trpcMutation,
} from '../chaos/support.js';

export const HOT_SKU = 'SP-BLL-001';
export const HOT_WAREHOUSE = 'DFW-1';
const SKUS = ['EL-HDP-001', 'KT-KTL-001', 'OD-TNT-001', 'AP-TEE-001', 'HM-CND-001', 'OF-NTB-001'];
const CITY = { latitude: 40.71, longitude: -74.0 };
/** A write not answered within this (retries included) fails the run. */
const GIVE_UP_MS = 90_000;

export interface ReceiptIntent {
  reason: string;
  warehouseId: string;
  sku: string;
  quantity: number;
  acknowledged?: Json;
}

export interface Attempt {
  start: number;
  end: number;
  ok: boolean;
}

export class Load {
  readonly reservations: ReservationIntent[] = [];
  readonly orders: OrderIntent[] = [];
  readonly receipts: ReceiptIntent[] = [];
  readonly attempts: Attempt[] = [];
  /** Writes that needed more than one attempt. */
  retried = 0;
  /** 503 answers, and those without Retry-After (must be none). */
  unavailable = 0;
  withoutRetryAfter = 0;
  /** Answers that are neither success, a retryable outage, nor an expected refusal. */
  readonly unexpected: string[] = [];
  private counter = 0;

  constructor(
    private readonly apis: () => string[],
    private readonly wh: Record<string, string>,
  ) {}

  /** One write, sent until it is answered; the final answer. */
  async call(procedure: string, input: Json, key: string, first: number): Promise<Answer> {
    const giveUp = Date.now() + GIVE_UP_MS;
    let target = first;
    for (let attempt = 1; ; attempt++) {
      if (attempt === 2) this.retried++;
      if (Date.now() > giveUp) throw new Error(`${procedure} ${key}: no answer within ${GIVE_UP_MS} ms`);
      const urls = this.apis();
      const start = Date.now();
      let answer: Answer | undefined;
      try {
        answer = await trpcMutation(
          urls[target % urls.length] as string,
          procedure,
          input,
          SERVICE_TOKEN,
          key,
        );
      } catch (error) {
        if (!(error instanceof NoAnswer)) throw error;
      }
      const retry = !answer || [502, 503, 429].includes(answer.status);
      // Answered (a success or a refusal such as INSUFFICIENT_STOCK) is not a failure.
      this.attempts.push({ start, end: Date.now(), ok: !retry });
      if (answer && !retry) return answer;
      let waitMs = 200;
      if (answer?.status === 503) {
        this.unavailable++;
        const after = Number(answer.headers['retry-after']);
        if (!(after > 0)) this.withoutRetryAfter++;
        else waitMs = Math.min(after * 1000, 500);
      }
      target++;
      await sleep(waitMs);
    }
  }

  private refusal(what: string, answer: Answer, allowed: string[]): string {
    const code = appCodeOf(answer) ?? `HTTP ${answer.status}`;
    if (!allowed.includes(code)) this.unexpected.push(`${what}: ${answer.status} ${code}`);
    return code;
  }

  /** One write flow of the mix, chosen by a global counter. */
  private async step(client: number, tag: string): Promise<void> {
    const i = this.counter++;
    const sku = SKUS[i % SKUS.length] as string;
    const warehouses = Object.values(this.wh);
    const warehouseId = warehouses[i % warehouses.length] as string;
    const kind = i % 4;
    if (kind === 0 || kind === 1) {
      const hot = kind === 0;
      const intent: ReservationIntent = { reference: `${tag}-hold-${i}` };
      this.reservations.push(intent);
      const lines = hot
        ? [{ sku: HOT_SKU, quantity: 1, warehouseId: this.wh[HOT_WAREHOUSE] }]
        : [{ sku, quantity: 1 + (i % 2), warehouseId }];
      const answer = await this.call(
        'reservations.create',
        { lines, reference: intent.reference },
        `k-${intent.reference}`,
        client,
      );
      if (answer.status !== 200) {
        intent.refused = this.refusal(intent.reference, answer, ['INSUFFICIENT_STOCK']);
        return;
      }
      intent.acknowledged = trpcData(answer);
      if (i % 3 !== 0) return;
      const confirmed = await this.call(
        'reservations.confirm',
        { id: intent.acknowledged.id },
        `k-${intent.reference}-confirm`,
        client,
      );
      if (confirmed.status === 200) intent.expect = 'confirmed';
      else this.refusal(`${intent.reference} confirm`, confirmed, []);
    } else if (kind === 2) {
      const intent: OrderIntent = { address: `${tag}-order-${i}`, paymentReference: `${tag}-pay-${i}` };
      this.orders.push(intent);
      const input = { lines: [{ sku, quantity: 1 }], shipTo: { ...CITY, address: intent.address } };
      const started = await this.call('checkout.start', input, `k-${intent.address}`, client);
      if (started.status !== 200) {
        intent.refused = this.refusal(intent.address, started, ['INSUFFICIENT_STOCK']);
        return;
      }
      intent.order = trpcData(started);
      const paid = await this.call(
        'checkout.paymentSucceeded',
        { orderId: intent.order.id, paymentReference: intent.paymentReference },
        `k-${intent.address}-paid`,
        client,
      );
      if (paid.status === 200) intent.paid = trpcData(paid);
      else this.refusal(`${intent.address} payment`, paid, []);
    } else {
      const intent: ReceiptIntent = {
        reason: `${tag}-receipt-${i}`,
        warehouseId,
        sku,
        quantity: 1 + (i % 3),
      };
      this.receipts.push(intent);
      const { reason, quantity } = intent;
      const answer = await this.call(
        'inventory.receive',
        { warehouseId, sku, quantity, reason },
        `k-${reason}`,
        client,
      );
      if (answer.status === 200) intent.acknowledged = trpcData(answer);
      else this.refusal(reason, answer, []);
    }
  }

  /** `clients` loops of writes until `stop()` says so. */
  async run(clients: number, tag: string, stop: () => boolean): Promise<void> {
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        while (!stop()) await this.step(client, tag);
      }),
    );
  }

  /**
   * Downtime after a fault injected at `at`: from the first failed attempt to the
   * end of the first successful one started after it (0 when nothing failed), and
   * the longest a write answered OK took among those in flight at or after `at`.
   */
  downtime(at: number, until: number): { downtimeMs: number; failures: number; slowestOkMs: number } {
    const window = this.attempts.filter((a) => a.end >= at && a.start <= until);
    const failed = window.filter((a) => !a.ok);
    const slowestOkMs = Math.max(0, ...window.filter((a) => a.ok).map((a) => a.end - a.start));
    if (failed.length === 0) return { downtimeMs: 0, failures: 0, slowestOkMs };
    const firstFail = Math.min(...failed.map((a) => a.end));
    const recovered = window.filter((a) => a.ok && a.start >= firstFail).map((a) => a.end);
    const downtimeMs = recovered.length > 0 ? Math.min(...recovered) - firstFail : Number.NaN;
    return { downtimeMs, failures: failed.length, slowestOkMs };
  }
}
