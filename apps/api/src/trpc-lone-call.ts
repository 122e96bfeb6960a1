/**
 * One call per request — a mutation as `POST /trpc/<path>` with a JSON body, a
 * query as `GET /trpc/<path>?input=<JSON>`, no `?batch` (what service clients
 * on tRPC's httpLink, scripts and the bench send; the console batches) —
 * answered without tRPC's fetch adapter, which turns every Node request into a
 * WHATWG Request and every answer into a Response and back: most of the API's
 * CPU per reservation or search (apps/api/bench: `api ms/op`).
 *
 * Nothing else changes: the procedure is tRPC's own (its input schema and
 * every middleware: tracing, observation, rate limit, auth, idempotency), the
 * context is the adapter's, and the answer is built by tRPC's own functions
 * (error formatter → error table → HTTP status, responseMeta for Retry-After)
 * exactly as `resolveResponse` builds it for a single call. Everything else —
 * batches, subscriptions, a query string with more than `input`, a query by
 * POST or a mutation by GET, `trpc-accept: application/jsonl`, input that is
 * not JSON — is left to the adapter (`handled` false), which answers it.
 */
import type { AnyRouter, TRPCError } from '@trpc/server';
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { FastifyReply, FastifyRequest } from 'fastify';

type CreateContext<Ctx> = (req: FastifyRequest, type: 'query' | 'mutation') => Promise<Ctx>;
type ResponseMeta = (opts: { errors: readonly TRPCError[] }) => { headers?: Record<string, string> };

interface LoneCall {
  type: 'query' | 'mutation';
  input: unknown;
}

/** A lone query: GET with nothing in the query string but one JSON `input`. */
function loneQuery(req: FastifyRequest): LoneCall | undefined {
  const params = (req.query ?? {}) as Record<string, unknown>;
  const keys = Object.keys(params);
  if (keys.length === 0) return { type: 'query', input: undefined };
  if (keys.length > 1 || typeof params.input !== 'string') return undefined;
  try {
    return { type: 'query', input: JSON.parse(params.input) };
  } catch {
    return undefined; // the adapter answers PARSE_ERROR in its own words
  }
}

/** The call a request makes when it is a lone query or mutation, else undefined. */
function loneCall(req: FastifyRequest): LoneCall | undefined {
  if (req.headers['trpc-accept'] !== undefined) return undefined;
  if (req.method === 'GET') return loneQuery(req);
  if (req.method !== 'POST' || typeof req.body !== 'string' || req.url.includes('?')) return undefined;
  if (!req.headers['content-type']?.startsWith('application/json')) return undefined;
  try {
    return { type: 'mutation', input: JSON.parse(req.body) };
  } catch {
    return undefined;
  }
}

export function loneCallHandler<Ctx>(
  router: AnyRouter,
  createContext: CreateContext<Ctx>,
  responseMeta: ResponseMeta,
) {
  const config = router._def._config;
  /** Answer the request if it is a lone query or mutation; false leaves it to the adapter. */
  return async (req: FastifyRequest, reply: FastifyReply, path: string): Promise<boolean> => {
    const call = loneCall(req);
    if (!call) return false;
    const procedure = await getProcedureAtPath(router, path);
    if (procedure?._def.type !== call.type) return false;
    const type = call.type;

    let ctx: Ctx | undefined;
    let data: unknown;
    let error: TRPCError | undefined;
    try {
      ctx = await createContext(req, type);
      data = await procedure({
        path,
        getRawInput: async () => call.input,
        ctx,
        type,
        signal: undefined,
        batchIndex: 0,
      });
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
    }
    const body = error
      ? { error: getErrorShape({ config, ctx, error, input: call.input, path, type }) }
      : { result: { data } };
    const meta = responseMeta({ errors: error ? [error] : [] });
    reply
      .code(getHTTPStatusCode(body))
      .header('vary', 'trpc-accept, accept')
      .header('content-type', 'application/json');
    if (meta.headers) reply.headers(meta.headers);
    // A Buffer: Fastify would add "; charset=utf-8" to a string's content-type, which tRPC does not send.
    await reply.send(Buffer.from(JSON.stringify(transformTRPCResponse(config, body))));
    return true;
  };
}
