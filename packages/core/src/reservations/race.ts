/**
 * The race demo: many buyers at once for the last units of one product at one
 * warehouse, through the reservation service the API uses (the coalescer), so
 * the demo exercises the path production reservations take. The answer proves
 * there was no oversell: winners × quantity equals what `available` went down by.
 */
import type { Db } from '@stockroom/db';
import { z } from 'zod';
import type { ReserveInput } from '../holds/index.js';
import { runMutation } from '../idempotency/index.js';
import { getStockLevel } from '../inventory/index.js';
import type { Actor } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import type { Reservation, StockLevel } from '../shared/dto.js';
import { isDomainError } from '../shared/errors.js';
import { ZQuantity, ZSku, ZWarehouseRef } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';

export const ZRaceInput = z
  .object({
    sku: ZSku,
    warehouseId: ZWarehouseRef,
    buyers: z.number().int().min(1).max(1000),
    quantityEach: ZQuantity.max(1000),
  })
  .strict();

export interface RaceResult {
  attempted: number;
  succeeded: number;
  failed: number;
  /** Failures by appCode (expected: INSUFFICIENT_STOCK only). */
  failures: Record<string, number>;
  before: StockLevel;
  after: StockLevel;
  /** The demo's holds end by themselves after this many seconds. */
  holdSeconds: number;
}

const RACE_HOLD_SECONDS = 120;

/** What takes reservations: the API's `ReservationCoalescer`. */
export interface Reserver {
  reserve(ctx: MutationContext, input: ReserveInput): Promise<Reservation>;
}

/**
 * Run a race, once per idempotency key: the key's claim is held (its transaction open)
 * while the race's reservations go through `reservations` in their own transactions,
 * and the answer is stored with it, so a retry replays the race instead of holding
 * stock a second time. Without a key, every call is a new race.
 */
export async function runRace(
  reservations: Reserver,
  ctx: MutationContext,
  input: z.input<typeof ZRaceInput>,
): Promise<RaceResult> {
  const data = parseInput(ZRaceInput, input);
  if (!ctx.idempotency) return race(reservations, ctx.db, ctx.actor, data);
  const run = await runMutation(ctx.db, ctx.idempotency, input, () =>
    race(reservations, ctx.db, ctx.actor, data),
  );
  return run.result;
}

async function race(
  reservations: Reserver,
  db: Db,
  actor: Actor,
  data: z.output<typeof ZRaceInput>,
): Promise<RaceResult> {
  const key = { warehouseId: data.warehouseId, sku: data.sku };
  const before = await getStockLevel(db, key);
  const outcomes = await Promise.all(
    Array.from({ length: data.buyers }, (_, i) =>
      reservations
        .reserve(
          { db, actor },
          {
            lines: [{ sku: data.sku, warehouseId: data.warehouseId, quantity: data.quantityEach }],
            ttlSeconds: RACE_HOLD_SECONDS,
            reference: `demo-race-buyer-${i + 1}`,
          },
        )
        .then(
          () => 'OK',
          (error: unknown) => (isDomainError(error) ? error.code : 'ERROR'),
        ),
    ),
  );
  const failures: Record<string, number> = {};
  for (const outcome of outcomes) if (outcome !== 'OK') failures[outcome] = (failures[outcome] ?? 0) + 1;
  const succeeded = outcomes.filter((o) => o === 'OK').length;
  return {
    attempted: data.buyers,
    succeeded,
    failed: data.buyers - succeeded,
    failures,
    before,
    after: await getStockLevel(db, key),
    holdSeconds: RACE_HOLD_SECONDS,
  };
}
