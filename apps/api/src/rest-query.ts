/**
 * REST query strings carry text. A GET route's number and boolean fields are read
 * from it here, by the procedure's own input schema: "100" is 100 for a number,
 * "true" / "false" are true / false for a boolean; anything else stays text, which
 * the schema then refuses (400 VALIDATION_FAILED).
 *
 * trpc-to-openapi would instead switch zod's `coerce` on, in place, in the shared
 * schemas: `Boolean("false")` is true (`lowStock=false` filtered as if true), `null`
 * or `""` became 0 in JSON bodies, and /trpc coerced too from the first REST call
 * on. So every procedure's input has coercion pinned off (`pinCoercionOff`), and
 * this is the one place where text becomes a number or a boolean.
 */
import type { AnyRouter } from '@trpc/server';
import type { FastifyRequest } from 'fastify';
import { withoutCoercion } from './trpc/zod-coercion.js';

type ZodDef = Record<string, unknown> & { type?: string };
type FieldKind = 'number' | 'boolean';

interface ProcedureDef {
  inputs?: unknown[];
  meta?: { openapi?: { method?: string; path?: string } };
}

const defOf = (node: unknown): ZodDef | undefined =>
  typeof node === 'object' && node !== null ? (node as { _zod?: { def?: ZodDef } })._zod?.def : undefined;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The schema under optional / nullable / default… and the input side of a pipe. */
function unwrap(node: unknown): ZodDef | undefined {
  let def = defOf(node);
  while (def && (WRAPPERS.has(def.type ?? '') || def.type === 'pipe')) {
    def = defOf(def.type === 'pipe' ? def.in : def.innerType);
  }
  return def;
}

const kindOf = (def: ZodDef | undefined): FieldKind | undefined =>
  def?.type === 'number' || def?.type === 'boolean' ? def.type : undefined;

/** Each number or boolean field (or array of them) of an object input, by name. */
function fieldKinds(inputs: unknown[]): Map<string, { kind: FieldKind; array: boolean }> {
  const kinds = new Map<string, { kind: FieldKind; array: boolean }>();
  for (const input of inputs) {
    const def = unwrap(input);
    if (def?.type !== 'object') continue;
    for (const [name, field] of Object.entries((def.shape ?? {}) as Record<string, unknown>)) {
      const fieldDef = unwrap(field);
      const element = fieldDef?.type === 'array' ? unwrap(fieldDef.element) : undefined;
      const kind = kindOf(element ?? fieldDef);
      if (kind) kinds.set(name, { kind, array: element !== undefined });
    }
  }
  return kinds;
}

const NUMBER = /^-?\d{1,16}(\.\d{1,16})?$/;

function fromText(value: unknown, kind: FieldKind): unknown {
  if (typeof value !== 'string') return value;
  if (kind === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return NUMBER.test(value) ? Number(value) : value;
}

/** Every procedure's input schema never coerces (see the top of this file). */
export function pinCoercionOff(router: AnyRouter): void {
  for (const procedure of Object.values(router._def.procedures as Record<string, { _def: ProcedureDef }>)) {
    for (const input of procedure._def.inputs ?? []) withoutCoercion(input as never);
  }
}

/** A Fastify hook for the REST scope: reads each GET query's numbers and booleans. */
export function queryReader(router: AnyRouter, prefix: string) {
  const routes = Object.values(router._def.procedures as Record<string, { _def: ProcedureDef }>)
    .flatMap(({ _def }) => {
      const { method, path } = _def.meta?.openapi ?? {};
      return method === 'GET' && path ? [{ path, inputs: _def.inputs ?? [] }] : [];
    })
    .map(({ path, inputs }) => {
      const pattern = path
        .replace(/\/$/, '')
        .split('/')
        .map((part) => (/^\{.+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      return { match: new RegExp(`^${pattern}/?$`), kinds: fieldKinds(inputs) };
    })
    .filter((route) => route.kinds.size > 0);

  return async (request: FastifyRequest): Promise<void> => {
    if (request.method !== 'GET') return;
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || Object.keys(query).length === 0) return;
    const path = (request.url.split('?')[0] ?? '').slice(prefix.length);
    const route = routes.find((r) => r.match.test(path));
    if (!route) return;
    for (const [name, { kind, array }] of route.kinds) {
      const value = query[name];
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [value];
      query[name] = array ? values.map((v) => fromText(v, kind)) : fromText(values[0], kind);
    }
  };
}
