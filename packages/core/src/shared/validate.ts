import type { z } from 'zod';
import { validationFailed } from './errors.js';

/** Objects already parsed with a schema (the value: that schema), see `markParsed`. */
const parsedWith = new WeakMap<object, z.ZodType>();

/**
 * Record that `value` is the output of parsing with `schema` (or with a stricter
 * schema built from it, as the API's procedure inputs are): `parseInput` with the
 * same schema then returns it as it is instead of parsing it again. For a caller
 * that parsed the object itself and does not change it afterwards; the API marks
 * each procedure's parsed input, so a reservation's or a sync's input is parsed
 * once per request, not twice (issue 13).
 */
export function markParsed<T extends object>(schema: z.ZodType, value: T): T {
  parsedWith.set(value, schema);
  return value;
}

/**
 * Parse input with a schema; on failure throw VALIDATION_FAILED naming every bad
 * field. Core validates its own input, so it is safe whoever calls it.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (typeof input === 'object' && input !== null && parsedWith.get(input) === schema) {
    return input as z.output<S>;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  throw validationFailed(first ? `${first.path || 'input'}: ${first.message}` : 'input is not valid', {
    issues,
  });
}
