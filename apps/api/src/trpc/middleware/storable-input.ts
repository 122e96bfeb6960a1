/**
 * Refuse text no column can store before any work starts (SPEC §2 rule 9),
 * naming the field. PostgreSQL text cannot hold NUL, and an unpaired UTF-16
 * surrogate is not Unicode (it would be stored as U+FFFD, or break a jsonb
 * payload).
 */
import { MappedError } from '../../errors.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/** The path of the first string (value or key) in `input` that no database column can store. */
function findUnstorableText(input: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: input, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (typeof value === 'string') {
      if (unstorable(value)) return path || 'input';
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        stack.push({ value: item, path: path ? `${path}.${i}` : String(i) });
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (unstorable(key)) return at;
        stack.push({ value: item, path: at });
      }
    }
  }
  return undefined;
}

/** Refuse `input` when a string in it (value or key) is text no column can store, naming the field. */
export function assertStorable(input: unknown): void {
  const field = findUnstorableText(input);
  if (field !== undefined) {
    throw new MappedError({
      appCode: 'VALIDATION_FAILED',
      message: `${field}: text must not contain NUL characters or unpaired surrogates`,
      details: { issues: [{ path: field === 'input' ? '' : field, message: 'unstorable character' }] },
    });
  }
}
