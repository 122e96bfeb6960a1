import type { z } from 'zod';
import { validationFailed } from './errors.js';

/**
 * Parse input with a schema; on failure throw VALIDATION_FAILED naming every bad
 * field. Core validates its own input, so it is safe whoever calls it.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
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
