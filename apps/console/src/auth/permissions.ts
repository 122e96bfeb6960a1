/**
 * What the signed-in person may do (SPEC §5), so the console shows only the
 * controls that will work. The API checks the same rules again: hiding a
 * button is a courtesy, never the protection.
 */
import type { SessionUser } from './session';

/**
 * Every role may sign in. Buyers shop in the store; in the console they see the
 * catalogue and their own waitlist entries (to leave one), nothing else. Only
 * buyers wait for stock (waitlist.join), so only they have entries of their own.
 */
export const isBuyer = (user: SessionUser): boolean => user.role === 'buyer';

/** Stock levels, the ledger, orders and the event log are for staff and admins. */
export const isOperator = (user: SessionUser): boolean => user.role === 'admin' || user.role === 'staff';

export const isAdmin = (user: SessionUser): boolean => user.role === 'admin';

/** Sellers manage their own products; they and admins see sales. */
export const isSeller = (user: SessionUser): boolean => user.role === 'seller';

export const canSeeSales = (user: SessionUser): boolean => user.role === 'seller' || user.role === 'admin';

export function canManageStock(user: SessionUser, warehouseId: string): boolean {
  return user.role === 'admin' || (user.role === 'staff' && user.warehouseIds.includes(warehouseId));
}

/** Staff act on orders that touch one of their warehouses. */
export function canOperateOrder(user: SessionUser, warehouseIds: readonly string[]): boolean {
  if (user.role === 'admin') return true;
  return user.role === 'staff' && warehouseIds.some((id) => user.warehouseIds.includes(id));
}

/** Where a safe `next` path points (same-origin path only), else the home page. */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/sign-in')) return '/';
  return next;
}
