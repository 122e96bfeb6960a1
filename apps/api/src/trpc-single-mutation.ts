/**
 * One mutation per request — `POST /trpc/<path>` with a JSON body and no
 * `?batch` (what service clients, the REST-less scripts and the bench send) —
 * answered without tRPC's fetch adapter, which turns every Node request into a
 * WHATWG Request and every answer into a Response and back: most of the API's
 * CPU per reservation (apps/api/bench: `api ms/op`).
 *
 * Nothing else changes: the procedure is tRPC's own (its input schema and
 * every middleware: tracing, observation, rate limit, auth, idempotency), the
 * context is the adapter's, and the answer is built by tRPC's own functions
 * (error formatter → error table → HTTP status, responseMeta for Retry-After)
 * exactly as `resolveResponse` builds it for a single call. Everything else —
 * queries, batches, subscriptions, `trpc-accept: application/jsonl`, a body
 * that is not JSON — is left to the adapter (`handled` false).
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

type CreateContext<Ctx> = (req: FastifyRequest, reply: FastifyReply) => Promise<Ctx>;
type ResponseMeta = (opts: { errors: readonly TRPCError[] }) => { headers?: Record<string, string> };

/** The JSON input of a lone mutation call, or undefined when the request is anything else. */
function loneCallInput(req: FastifyRequest): { input: unknown } | undefined {
  if (req.method !== 'POST' || typeof req.body !== 'string' || req.url.includes('?')) return undefined;
  if (req.headers['trpc-accept'] !== undefined) return undefined;
  if (!req.headers['content-type']?.startsWith('application/json')) return undefined;
  try {
    return { input: JSON.parse(req.body) };
  } catch {
    return undefined; // the adapter answers PARSE_ERROR in its own words
  }
}

export function singleMutationHandler<Ctx>(
  router: AnyRouter,
  createContext: CreateContext<Ctx>,
  responseMeta: ResponseMeta,
) {
  const config = router._def._config;
  /** Answer the request if it is a lone mutation; false leaves it to the adapter. */
  return async (req: FastifyRequest, reply: FastifyReply, path: string): Promise<boolean> => {
    const call = loneCallInput(req);
    if (!call) return false;
    const procedure = await getProcedureAtPath(router, path);
    if (procedure?._def.type !== 'mutation') return false;

    let ctx: Ctx | undefined;
    let data: unknown;
    let error: TRPCError | undefined;
    try {
      ctx = await createContext(req, reply);
      data = await procedure({
        path,
        getRawInput: async () => call.input,
        ctx,
        type: 'mutation',
        signal: undefined,
        batchIndex: 0,
      });
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
    }
    const body = error
      ? { error: getErrorShape({ config, ctx, error, input: call.input, path, type: 'mutation' }) }
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
