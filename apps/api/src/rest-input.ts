/**
 * REST inputs. Query strings carry text. A GET route's number and boolean fields are read
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
import { createProcedureCache, normalizePath } from 'trpc-to-openapi';
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

/** A 400 whose message the error handler passes on (error-handler.ts `expose`). */
export const badRequest = (message: string) =>
  Object.assign(new Error(message), { statusCode: 400, expose: true });

type Lookup = (
  method: string,
  path: string,
) => { procedure?: { procedure: { _def: ProcedureDef } }; pathInput: Record<string, string> } | undefined;

/**
 * A Fastify hook for the REST scope. It finds the procedure exactly as the adapter will
 * (its own lookup: the URL resolved, case-insensitive, after the scope's prefix), then:
 * - a GET query: reads numbers and booleans by the schema; a number or boolean given twice
 *   is refused (which one was meant?);
 * - a body: refuses one that names a path parameter with another value (the adapter would
 *   silently take the path's: a receive "at DFW-1" sent to /stock/NYC-1/… went to NYC-1).
 */
export function restInputReader(router: AnyRouter, prefix: string) {
  const lookup = createProcedureCache(router as never) as Lookup;
  const kindsOf = new WeakMap<object, ReturnType<typeof fieldKinds>>();
  return async (request: FastifyRequest): Promise<void> => {
    const rawPath = request.url.replace(prefix, '');
    let pathname: string;
    try {
      pathname = new URL(rawPath.startsWith('/') ? `http://127.0.0.1${rawPath}` : rawPath).pathname;
    } catch {
      return; // the adapter refuses a URL it cannot read
    }
    const found = lookup(request.method, normalizePath(pathname));
    const procedure = found?.procedure?.procedure;
    if (!found || !procedure) return;
    if (request.method === 'GET') {
      const query = request.query as Record<string, unknown> | undefined;
      if (!query) return;
      let kinds = kindsOf.get(procedure);
      if (!kinds) {
        kinds = fieldKinds(procedure._def.inputs ?? []);
        kindsOf.set(procedure, kinds);
      }
      for (const [name, { kind, array }] of kinds) {
        const value = query[name];
        if (value === undefined) continue;
        const list = Array.isArray(value) ? value : [value];
        if (!array && list.length > 1) throw badRequest(`${name}: given ${list.length} times; give it once`);
        // One-element arrays: the adapter unwraps them, but drops a falsy value given
        // bare (`limit=0` became the default instead of being refused).
        query[name] = array ? list.map((v) => fromText(v, kind)) : [fromText(list[0], kind)];
      }
      return;
    }
    const body = request.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null) return;
    for (const [param, fromPath] of Object.entries(found.pathInput)) {
      if (param in body && body[param] !== fromPath) {
        throw badRequest(`${param}: the path gives ${fromPath}; leave ${param} out of the body`);
      }
    }
  };
}
