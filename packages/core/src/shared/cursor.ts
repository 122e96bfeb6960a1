import type { z } from 'zod';
import { validationFailed } from './errors.js';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decode a cursor and check its key against `schema` (a zod tuple); VALIDATION_FAILED otherwise. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const parsed = schema.safeParse(key);
  if (!parsed.success)
    throw validationFailed('cursor is not valid; start again without one', { field: 'cursor' });
  return parsed.data;
}
