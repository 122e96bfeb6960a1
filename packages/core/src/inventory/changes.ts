/**
 * Changing stock by hand or by a store's count: receive, adjust, set, sync.
 * Each change goes through the ledger (applyStockChanges); received units are
 * offered to the waitlist in the same transaction.
 */
import type { Database } from '@stockroom/db';
import type { Transaction } from 'kysely';
import { runMutation } from '../idempotency/index.js';
import { applyStockChanges, ensureStockLevels, type StockChange } from '../ledger/index.js';
import { assertCanManageStock } from '../shared/access.js';
import type { Actor } from '../shared/actor.js';
import { actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import type { StockLevel } from '../shared/dto.js';
import { insufficientStock, notFound, validationFailed, versionMismatch } from '../shared/errors.js';
import { parseInput } from '../shared/validate.js';
import { offerFreedStock } from '../waitlist/index.js';
import { assertWarehousesExist, getStockLevel, resolveSkus, toStockLevel } from './queries.js';
import {
  type AdjustInput,
  type ReceiveInput,
  type SetInput,
  type SyncInput,
  type SyncResult,
  ZAdjustInput,
  ZReceiveInput,
  ZSetInput,
  ZSyncInput,
} from './schemas.js';

/**
 * Apply one change to one level and return it, or throw the domain error that
 * says why it was refused.
 */
async function changeOne(
  trx: Transaction<Database>,
  actor: Actor,
  input: { warehouseId: string; sku: string },
  change: Omit<StockChange, 'warehouseId' | 'productId'>,
  options: { create: boolean },
): Promise<StockLevel> {
  assertCanManageStock(actor, [input.warehouseId]);
  await assertWarehousesExist(trx, [input.warehouseId]);
  const productId = (await resolveSkus(trx, [input.sku])).get(input.sku) as string;
  if (options.create) await ensureStockLevels(trx, [{ warehouseId: input.warehouseId, productId }]);
  const result = await applyStockChanges(
    trx,
    [{ ...change, warehouseId: input.warehouseId, productId }],
    actorLabel(actor),
  );
  const level = result.levels[0];
  if (!level) throw notFound(`Stock of ${input.sku} at warehouse ${input.warehouseId}`, input);
  if (level.outcome === 'version_mismatch') throw versionMismatch(level.version, toStockLevel(level));
  if (level.outcome === 'insufficient') {
    const requested =
      change.onHandSet !== undefined ? level.onHand - change.onHandSet : -(change.onHandDelta ?? 0);
    throw insufficientStock([
      { sku: level.sku, warehouseId: level.warehouseId, requested, available: level.available },
    ]);
  }
  return toStockLevel(level);
}

/** Goods arrived: on_hand goes up. Creates the level if this warehouse never held the product. */
async function receiveStockInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: ReceiveInput,
): Promise<StockLevel> {
  const data = parseInput(ZReceiveInput, input);
  const level = await changeOne(
    trx,
    actor,
    data,
    { kind: 'receive', onHandDelta: data.quantity, reason: data.reason ?? null },
    { create: true },
  );
  // Received units go to the oldest waiting buyer first (same transaction).
  const productId = (await resolveSkus(trx, [data.sku])).get(data.sku) as string;
  const offers = await offerFreedStock(trx, [{ warehouseId: data.warehouseId, productId }]);
  return offers > 0 ? getStockLevel(trx, { warehouseId: data.warehouseId, sku: data.sku }) : level;
}

/**
 * A manual correction (damage, found units) against the version the person
 * last saw; a mismatch fails with VERSION_MISMATCH and the current level.
 * Units that are reserved cannot be adjusted away.
 */
function adjustStockInTrx(trx: Transaction<Database>, actor: Actor, input: AdjustInput): Promise<StockLevel> {
  const data = parseInput(ZAdjustInput, input);
  return changeOne(
    trx,
    actor,
    data,
    {
      kind: 'adjust',
      onHandDelta: data.delta,
      expectedVersion: data.expectedVersion,
      reason: data.reason,
    },
    { create: false },
  );
}

/** A counted absolute on_hand, optionally compare-and-set on the version. */
function setStockInTrx(trx: Transaction<Database>, actor: Actor, input: SetInput): Promise<StockLevel> {
  const data = parseInput(ZSetInput, input);
  return changeOne(
    trx,
    actor,
    data,
    {
      kind: 'set',
      onHandSet: data.onHand,
      expectedVersion: data.expectedVersion,
      reason: data.reason ?? null,
    },
    { create: data.expectedVersion === undefined },
  );
}

/**
 * A store's bulk count: up to 1000 absolute counts in one transaction. Counts
 * taken before the level's last change are stale and not applied (SPEC §2 rule 4);
 * equal counts are unchanged. A count below what is reserved refuses the whole
 * sync with INSUFFICIENT_STOCK naming every such line.
 */
async function syncStockInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: SyncInput,
): Promise<SyncResult> {
  const data = parseInput(ZSyncInput, input);
  const keys = new Set<string>();
  for (const item of data.items) {
    const key = `${item.warehouseId}:${item.sku}`;
    if (keys.has(key)) {
      throw validationFailed(`${item.sku} at ${item.warehouseId} appears twice in one sync`, {
        warehouseId: item.warehouseId,
        sku: item.sku,
      });
    }
    keys.add(key);
  }
  assertCanManageStock(actor, new Set(data.items.map((i) => i.warehouseId)));
  {
    await assertWarehousesExist(
      trx,
      data.items.map((i) => i.warehouseId),
    );
    const ids = await resolveSkus(
      trx,
      data.items.map((i) => i.sku),
    );
    const changes: StockChange[] = data.items.map((item) => ({
      warehouseId: item.warehouseId,
      productId: ids.get(item.sku) as string,
      kind: 'sync',
      onHandSet: item.onHand,
      countedAt: item.countedAt,
      reason: 'store sync',
    }));
    await ensureStockLevels(trx, changes);
    const result = await applyStockChanges(trx, changes, actorLabel(actor));
    if (!result.ok) {
      const requested = new Map(data.items.map((i) => [`${i.warehouseId}:${i.sku}`, i.onHand]));
      throw insufficientStock(
        result.levels
          .filter((l) => l.outcome === 'insufficient')
          .map((l) => ({
            sku: l.sku,
            warehouseId: l.warehouseId,
            requested: l.reserved,
            available: requested.get(`${l.warehouseId}:${l.sku}`) ?? 0,
          })),
      );
    }
    return {
      changed: result.levels.filter((l) => l.outcome === 'applied').map(toStockLevel),
      unchanged: result.levels.filter((l) => l.outcome === 'unchanged').length,
      stale: result.levels
        .filter((l) => l.outcome === 'stale')
        .map((l) => ({ warehouseId: l.warehouseId, sku: l.sku })),
    };
  }
}

export function receiveStock(ctx: MutationContext, input: ReceiveInput): Promise<StockLevel> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) => receiveStockInTrx(trx, ctx.actor, input)).then(
    (r) => r.result,
  );
}

export function adjustStock(ctx: MutationContext, input: AdjustInput): Promise<StockLevel> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) => adjustStockInTrx(trx, ctx.actor, input)).then(
    (r) => r.result,
  );
}

export function setStock(ctx: MutationContext, input: SetInput): Promise<StockLevel> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) => setStockInTrx(trx, ctx.actor, input)).then(
    (r) => r.result,
  );
}

export function syncStock(ctx: MutationContext, input: SyncInput): Promise<SyncResult> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) => syncStockInTrx(trx, ctx.actor, input)).then(
    (r) => r.result,
  );
}
