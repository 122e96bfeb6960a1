import type { Actor } from './actor.js';
import { forbidden } from './errors.js';

/**
 * Resource-level rules of SPEC §5 that need the data to decide. Which roles may
 * call a procedure at all (and which scope a service token needs) is decided by
 * the API; which warehouses or products a caller may touch is decided here, next
 * to the data.
 */

/**
 * Where a service token may act: its warehouses (every one when it has none
 * listed). Users and the system are not limited here (staff are, below).
 */
export function tokenMayActAt(actor: Actor, warehouseId: string): boolean {
  return actor.kind !== 'service' || actor.warehouseIds === null || actor.warehouseIds.includes(warehouseId);
}

/**
 * A token limited to some warehouses names another one explicitly (a pinned
 * reservation line, a stock change): FORBIDDEN, naming it. Lines without a
 * warehouse are allocated among the token's warehouses only (see reservations).
 */
export function assertTokenMayActAt(actor: Actor, warehouseIds: Iterable<string>): void {
  for (const id of warehouseIds) {
    if (!tokenMayActAt(actor, id)) {
      throw forbidden(`This service token is limited to its own warehouses (not ${id})`);
    }
  }
}

/**
 * The warehouses whose stock a reader may see: a service token limited to some
 * sees only those (SPEC §5: its scopes apply in its warehouses; none listed →
 * nowhere); null: every one (users and the system; staff read all stock).
 */
export function stockReadableAt(actor: Actor): string[] | null {
  return actor.kind === 'service' ? actor.warehouseIds : null;
}

/** Whether the actor may change stock at this warehouse (admin, its staff, a token allowed there). */
export function canManageWarehouseStock(actor: Actor, warehouseId: string): boolean {
  switch (actor.kind) {
    case 'system':
      return true;
    case 'service':
      return tokenMayActAt(actor, warehouseId);
    case 'user':
      return actor.role === 'admin' || (actor.role === 'staff' && actor.warehouseIds.includes(warehouseId));
  }
}

export function assertCanManageStock(actor: Actor, warehouseIds: Iterable<string>): void {
  for (const id of warehouseIds) {
    if (!canManageWarehouseStock(actor, id)) {
      throw forbidden(
        actor.kind === 'service'
          ? `This service token is limited to its own warehouses (not ${id})`
          : `You can only change stock in your own warehouses (not ${id})`,
      );
    }
  }
}
