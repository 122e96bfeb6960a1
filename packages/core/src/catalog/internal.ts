import type { Actor } from '../shared/actor.js';
import { forbidden } from '../shared/errors.js';

/** PostgreSQL's SQLSTATE and constraint name for a violated constraint, if `error` is one (never shown to users). */
function sqlState(error: unknown): { code?: string; constraint?: string } {
  return typeof error === 'object' && error !== null ? (error as { code?: string; constraint?: string }) : {};
}

export const isUniqueViolation = (error: unknown, constraint: string): boolean => {
  const state = sqlState(error);
  return state.code === '23505' && state.constraint === constraint;
};

export const isForeignKeyViolation = (error: unknown, constraint: string): boolean => {
  const state = sqlState(error);
  return state.code === '23503' && state.constraint === constraint;
};

/** Warehouses are managed by admins (and by the system itself, e.g. the seed). */
export function assertMayManageWarehouses(actor: Actor): void {
  if (actor.kind === 'system' || (actor.kind === 'user' && actor.role === 'admin')) return;
  throw forbidden('Only an admin can create or change warehouses');
}

/** The catalogue is written by admins, sellers (their own products) and the system. */
export function assertMayEditCatalogue(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (actor.kind === 'user' && (actor.role === 'admin' || actor.role === 'seller')) return;
  throw forbidden('Only an admin or a seller can create or change products');
}

/** The fields of a partial update that were actually given (undefined means "leave as is"). */
export function definedFields<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export const hasChanges = (input: Record<string, unknown>, key: string): boolean =>
  Object.entries(input).some(([name, value]) => name !== key && value !== undefined);
