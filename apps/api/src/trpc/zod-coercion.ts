/**
 * A workaround for zod internals, kept apart from the middlewares.
 *
 * trpc-to-openapi turns on `coerce` in place on every number and boolean of a
 * REST procedure's input schema at its first REST call (for query strings).
 * Those schema objects are shared (core's ZQuantity and friends, and the same
 * procedure over /trpc), so from then on `null`, `""`, `[]` or `true` would pass
 * as 0 or 1: `{ onHand: null }` would set stock to zero, and `Boolean("false")` is
 * true. `withoutCoercion` pins it off for every number/boolean/bigint/date a schema
 * reaches; every procedure's input gets it (`pinCoercionOff`), and REST query
 * strings are read by the schema instead (rest-input.ts).
 */
import type { z } from 'zod';

type ZodDef = Record<string, unknown>;

const defOf = (node: unknown): ZodDef | undefined =>
  typeof node === 'object' && node !== null ? (node as { _zod?: { def?: ZodDef } })._zod?.def : undefined;

/** The schemas a definition contains, by kind (optional, nullable, default… wrap `innerType`). */
function childrenOf(def: ZodDef): unknown[] {
  switch (def.type) {
    case 'object':
      return [...Object.values((def.shape ?? {}) as ZodDef), def.catchall];
    case 'array':
      return [def.element];
    case 'tuple':
      return [...((def.items ?? []) as unknown[]), def.rest];
    case 'union':
      return (def.options ?? []) as unknown[];
    case 'intersection':
      return [def.left, def.right];
    case 'record':
    case 'map':
      return [def.keyType, def.valueType];
    case 'set':
      return [def.valueType];
    case 'pipe':
      return [def.in, def.out];
    default:
      // optional, nullable, default, prefault, readonly, catch, nonoptional, success…
      return [def.innerType];
  }
}

const COERCIBLE = new Set(['number', 'boolean', 'bigint', 'date']);

export function withoutCoercion<S extends z.ZodType>(schema: S): S {
  const seen = new Set<unknown>();
  const visit = (node: unknown) => {
    const def = defOf(node);
    if (!def || seen.has(node)) return;
    seen.add(node);
    if (!COERCIBLE.has(def.type as string)) {
      for (const child of childrenOf(def)) visit(child);
      return;
    }
    if (Object.getOwnPropertyDescriptor(def, 'coerce')?.set === undefined) {
      Object.defineProperty(def, 'coerce', { get: () => false, set: () => {}, enumerable: true });
    }
  };
  visit(schema);
  return schema;
}
