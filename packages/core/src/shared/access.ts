import type { Actor } from './actor.js';
import { forbidden } from './errors.js';

/**
 * Resource-level rules of SPEC §5 that need the data to decide. Which roles may
 * call a procedure at all is decided by the API; which warehouses or products a
 * caller may touch is decided here, next to the data.
 */
export function canManageWarehouseStock(actor: Actor, warehouseId: string): boolean {
  switch (actor.kind) {
    case 'system':
      return true;
    case 'service':
      return true;
    case 'user':
      return actor.role === 'admin' || (actor.role === 'staff' && actor.warehouseIds.includes(warehouseId));
  }
}

export function assertCanManageStock(actor: Actor, warehouseIds: Iterable<string>): void {
  for (const id of warehouseIds) {
    if (!canManageWarehouseStock(actor, id)) {
      throw forbidden(`You can only change stock in your own warehouses (not ${id})`);
    }
  }
}

export const isUserRole = (actor: Actor, ...roles: string[]): boolean =>
  actor.kind === 'user' && roles.includes(actor.role);
