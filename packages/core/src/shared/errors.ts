/**
 * Domain errors. Each has a stable `code` (the API's `appCode`); the API maps
 * codes to tRPC codes and HTTP statuses in one table. Messages are written for
 * the person who will read them and never contain SQL or internals.
 */
export type AppCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INSUFFICIENT_STOCK'
  | 'VERSION_MISMATCH'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INVALID_TRANSITION'
  | 'RESERVATION_EXPIRED'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

export class DomainError extends Error {
  readonly code: AppCode;
  readonly details: Record<string, unknown>;

  constructor(code: AppCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export interface Shortage {
  sku: string;
  warehouseId?: string;
  requested: number;
  available: number;
}

export const validationFailed = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError('VALIDATION_FAILED', message, details);

export const notFound = (what: string, details: Record<string, unknown> = {}) =>
  new DomainError('NOT_FOUND', `${what} was not found`, details);

export const forbidden = (message = 'You are not allowed to do this') =>
  new DomainError('FORBIDDEN', message);

export function insufficientStock(shortages: Shortage[]): DomainError {
  const list = shortages
    .map((s) => `${s.sku}: requested ${s.requested}, ${s.available} available`)
    .join('; ');
  return new DomainError('INSUFFICIENT_STOCK', `Not enough stock (${list})`, { shortages });
}

export function versionMismatch(currentVersion: number, current: unknown): DomainError {
  return new DomainError(
    'VERSION_MISMATCH',
    `Someone changed this level first: version ${currentVersion} is current — reload and try again`,
    { currentVersion, current },
  );
}

export function invalidTransition(entity: string, from: string, to: string): DomainError {
  const article = /^[aeiou]/i.test(entity) ? 'An' : 'A';
  return new DomainError('INVALID_TRANSITION', `${article} ${entity} cannot go from ${from} to ${to}`, {
    from,
    to,
  });
}

export const reservationExpired = (id: string, expiresAt: string) =>
  new DomainError(
    'RESERVATION_EXPIRED',
    `Reservation ${id} expired at ${expiresAt}; its stock was released`,
    {
      id,
      expiresAt,
    },
  );

export const idempotencyKeyReused = () =>
  new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    'This idempotency key was already used with a different request; use a new key for a new request',
  );

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
