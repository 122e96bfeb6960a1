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

interface RestRoute {
  method: string;
  match: RegExp;
  /** The path parameters, in the order of `match`'s groups. */
  params: string[];
  kinds: ReturnType<typeof fieldKinds>;
}

/** Every REST route of the router; routes with fewer path parameters first (`/orders/sales` before `/orders/{id}`). */
function restRoutes(router: AnyRouter): RestRoute[] {
  return Object.values(router._def.procedures as Record<string, { _def: ProcedureDef }>)
    .flatMap(({ _def }) => {
      const { method, path } = _def.meta?.openapi ?? {};
      if (!method || !path) return [];
      const params: string[] = [];
      const pattern = path
        .replace(/\/$/, '')
        .split('/')
        .map((part) => {
          const param = /^\{(.+)\}$/.exec(part)?.[1];
          if (param === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          params.push(param);
          return '([^/]+)';
        })
        .join('/');
      return [{ method, match: new RegExp(`^${pattern}/?$`), params, kinds: fieldKinds(_def.inputs ?? []) }];
    })
    .sort((a, b) => a.params.length - b.params.length);
}

const refuse = (message: string) => Object.assign(new Error(message), { statusCode: 400 });

/**
 * A Fastify hook for the REST scope: reads each GET query's numbers and booleans,
 * and refuses a body that names a path parameter with another value (the adapter
 * would silently take the path's: a receive "at DFW-1" sent to /stock/NYC-1/… went
 * to NYC-1).
 */
export function restInputReader(router: AnyRouter, prefix: string) {
  const routes = restRoutes(router);
  return async (request: FastifyRequest): Promise<void> => {
    const path = (request.url.split('?')[0] ?? '').slice(prefix.length);
    const route = routes.find((r) => r.method === request.method && r.match.test(path));
    const values = route?.match.exec(path);
    if (!route || !values) return;
    if (request.method === 'GET') {
      const query = request.query as Record<string, unknown> | undefined;
      if (!query) return;
      for (const [name, { kind, array }] of route.kinds) {
        const value = query[name];
        if (value === undefined) continue;
        const list = Array.isArray(value) ? value : [value];
        // One-element arrays: the adapter unwraps them, but drops a falsy value given
        // bare (`limit=0` became the default instead of being refused).
        query[name] = array ? list.map((v) => fromText(v, kind)) : [fromText(list[0], kind)];
      }
      return;
    }
    const body = request.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null) return;
    route.params.forEach((param, i) => {
      const given = values[i + 1] as string;
      let fromPath = given;
      try {
        fromPath = decodeURIComponent(given);
      } catch {
        // the adapter refuses a malformed path itself
      }
      if (param in body && body[param] !== fromPath) {
        throw refuse(`${param}: the path gives ${fromPath}; the body must not name another (leave it out)`);
      }
    });
  };
}
