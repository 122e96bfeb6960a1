import type { RouterInputs, RouterOutputs } from '../../trpc';

export type ServiceToken = RouterOutputs['serviceTokens']['list']['items'][number];
export type IssuedToken = RouterOutputs['serviceTokens']['create'];
export type Scope = ServiceToken['scopes'][number];

/** Every scope, in the API's order, with what it lets a token do. */
export const SCOPES: { value: Scope; hint: string }[] = [
  { value: 'stock:read', hint: 'read stock levels and the movement ledger' },
  { value: 'stock:write', hint: 'receive, adjust, set and sync stock' },
  { value: 'reservations', hint: 'hold stock, then confirm, extend or release the hold' },
  { value: 'orders', hint: 'start checkouts, create and read orders' },
  { value: 'payments', hint: 'report that an order was paid or its payment failed' },
];

/** How long the replaced secret keeps working after a rotation (the API allows 0 to 7 days). */
export const GRACE_CHOICES: { seconds: number; amount: number; unit: 'hour' | 'day' | null }[] = [
  { seconds: 0, amount: 0, unit: null },
  { seconds: 3600, amount: 1, unit: 'hour' },
  { seconds: 24 * 3600, amount: 24, unit: 'hour' },
  { seconds: 7 * 24 * 3600, amount: 7, unit: 'day' },
];
export const DEFAULT_GRACE_SECONDS = 24 * 3600;

export const NAME_MAX_LENGTH = 100;

export interface TokenFormValues {
  name: string;
  scopes: Scope[];
  /** Every warehouse, or only the ones in `warehouseIds`. */
  everywhere: boolean;
  warehouseIds: string[];
  /** A day (yyyy-mm-dd) the token works through, or '' for no expiry. */
  expiresOn: string;
}

export type TokenFormErrors = Partial<Record<'name' | 'scopes' | 'warehouseIds' | 'expiresOn', string>>;

export const emptyTokenForm: TokenFormValues = {
  name: '',
  scopes: [],
  everywhere: true,
  warehouseIds: [],
  expiresOn: '',
};

/** The last second of the given day (yyyy-mm-dd) in the browser's time zone. */
export function endOfDay(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const end = new Date(y, m - 1, d, 23, 59, 59);
  return Number.isNaN(end.getTime()) || end.getDate() !== d ? null : end;
}

/** Today as yyyy-mm-dd in the browser's time zone (the earliest expiry day). */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** What can be told before asking the API; the API checks again. */
export function validateTokenForm(values: TokenFormValues, now = Date.now()): TokenFormErrors {
  const errors: TokenFormErrors = {};
  const name = values.name.trim();
  if (name.length === 0) errors.name = 'Enter a name, like the system that will use the token.';
  else if (name.length > NAME_MAX_LENGTH) errors.name = `Use at most ${NAME_MAX_LENGTH} characters.`;
  if (values.scopes.length === 0)
    errors.scopes = 'Pick at least one scope: a token with none can do nothing.';
  if (!values.everywhere && values.warehouseIds.length === 0)
    errors.warehouseIds = 'Pick at least one warehouse, or allow every warehouse.';
  if (values.expiresOn) {
    const end = endOfDay(values.expiresOn);
    if (!end) errors.expiresOn = 'Enter a date, or leave it empty for a token that does not expire.';
    else if (end.getTime() <= now) errors.expiresOn = 'Pick today or a later day.';
  }
  return errors;
}

export function formToCreateInput(values: TokenFormValues): RouterInputs['serviceTokens']['create'] {
  const expires = values.expiresOn ? endOfDay(values.expiresOn) : null;
  return {
    name: values.name.trim(),
    // In the API's order, so the same choice is the same input (and idempotency key).
    scopes: SCOPES.map((s) => s.value).filter((s) => values.scopes.includes(s)),
    ...(values.everywhere ? {} : { warehouseIds: [...values.warehouseIds].sort() }),
    ...(expires ? { expiresAt: expires.toISOString() } : {}),
  };
}
