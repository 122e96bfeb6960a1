/**
 * Input building blocks shared by every domain (and by the API, which validates
 * with the same schemas). Limits are deliberate: quantities are positive
 * integers below a million, strings are bounded, page sizes are 1–100.
 */
import { z } from 'zod';

const MAX_QUANTITY = 1_000_000;

export const ZSku = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'SKU may contain letters, digits, ".", "_" and "-"');
export const ZWarehouseCode = z
  .string()
  .trim()
  .min(2)
  .max(16)
  .regex(/^[A-Z0-9][A-Z0-9-]+$/, 'code is upper-case letters, digits and "-", like BLR-1');
/**
 * An id, lower-cased: PostgreSQL matches a uuid in any case, so every comparison in
 * JavaScript (whose own account is this, is this the last admin) must see one spelling
 * (an upper-case id got past the last-admin rule).
 */
export const ZUuid = z.uuid().toLowerCase();
/** A warehouse, by id or by code (`NYC-1`); codes are resolved to ids before a use case runs (`resolveWarehouseRefs`). */
export const ZWarehouseRef = z.union([ZUuid, ZWarehouseCode]);
export const ZQuantity = z.number().int().min(1).max(MAX_QUANTITY);
export const ZNonNegativeQuantity = z.number().int().min(0).max(MAX_QUANTITY);
export const ZDelta = z
  .number()
  .int()
  .min(-MAX_QUANTITY)
  .max(MAX_QUANTITY)
  .refine((n) => n !== 0, 'delta must not be zero');
export const ZVersion = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const ZReason = z.string().trim().min(1).max(500);
export const ZReference = z.string().trim().min(1).max(200);
export const ZLatitude = z.number().min(-90).max(90);
export const ZLongitude = z.number().min(-180).max(180);
export const ZLocation = z.object({ latitude: ZLatitude, longitude: ZLongitude });
export const ZCursor = z.string().max(500);
export const ZLimit = z.number().int().min(1).max(100).default(20);
/** Sent by tRPC's infinite queries; pages here only go forward, so it is accepted and ignored. */
export const ZDirection = z.enum(['forward', 'backward']).optional();
export const ZIsoDateTime = z.iso.datetime({ offset: true }).refine((value) => {
  const year = new Date(value).getUTCFullYear();
  return year >= 1970 && year <= 9999;
}, 'a date between 1970 and 9999');

/** How far a store's clock may run ahead of ours before its count is refused as from the future. */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;
/**
 * When something was observed (a stock count): not later than now, give or take a clock
 * a few minutes fast — a count "from tomorrow" would beat every newer change (the stale
 * rule compares it with the level's last change).
 */
export const ZObservedAt = ZIsoDateTime.refine(
  (value) => Date.parse(value) <= Date.now() + MAX_CLOCK_AHEAD_MS,
  "a time that has already happened (this server's clock, 5 minutes of slack)",
);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
