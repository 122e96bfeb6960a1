/**
 * REST + OpenAPI at /api/v1, generated from the same procedures as /trpc
 * (trpc-to-openapi), with API.md's error body `{ error: { code, message,
 * details } }` (built by errors.ts's `restErrorBody`, like every REST-shaped
 * answer the server gives) and a document that says so.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fastifyTRPCOpenApiPlugin, generateOpenApiDocument } from 'trpc-to-openapi';
import { createRequestContext } from './context.js';
import { ERROR_TABLE, restErrorBody } from './errors.js';
import { badRequest, pinCoercionOff, restInputReader } from './rest-input.js';
import { appRouter } from './router.js';
import type { Services } from './services.js';
import { responseMeta } from './trpc-http.js';

type JsonObject = Record<string, unknown>;

const TRPC_TO_APP_CODE = new Map<string, string>();
for (const [appCode, { trpc }] of Object.entries(ERROR_TABLE)) {
  if (!TRPC_TO_APP_CODE.has(trpc)) TRPC_TO_APP_CODE.set(trpc, appCode);
}

/** The JSON schema of `restErrorBody`'s answer, with an example when the code is known. */
function errorBodySchema(code: string | undefined, message: string | undefined): JsonObject {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'details'],
        properties: {
          code: {
            type: 'string',
            enum: Object.keys(ERROR_TABLE),
            description: 'Stable error code (appCode)',
          },
          message: { type: 'string', description: 'For people' },
          details: { type: 'object', additionalProperties: true, description: 'Depends on the code' },
          requestId: { type: 'string' },
        },
      },
    },
    ...(code ? { example: restErrorBody(code, message ?? code) } : {}),
  };
}

type OpenApiDoc = JsonObject & {
  paths?: Record<string, Record<string, JsonObject>>;
  components?: { schemas?: Record<string, JsonObject> };
};

/** Every write takes the Idempotency-Key header; a body is optional where every field is. */
function describeWrite(operation: JsonObject): void {
  operation.parameters ??= [];
  const parameters = operation.parameters as JsonObject[];
  parameters.push({
    in: 'header',
    name: 'Idempotency-Key',
    required: false,
    description:
      'Makes a retry safe: the same key again returns the first answer without a second effect; the same key with another body fails with 422 IDEMPOTENCY_KEY_REUSED. Kept 24 h.',
    schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
  });
  // A body is optional where every input field is (confirm, release).
  const body = operation.requestBody as { required?: boolean; content?: JsonObject } | undefined;
  const schema = (body?.content?.['application/json'] as { schema?: { required?: unknown[] } } | undefined)
    ?.schema;
  if (body && !schema?.required?.length) body.required = false;
}

/**
 * The generated document describes trpc-to-openapi's own error body; ours is
 * API.md's `{ error: { code, message, details } }` (reshaped in `onSend`). Make
 * the document say what the wire carries: that error shape for every failure,
 * and the Idempotency-Key header on every write.
 */
function describeRestContract<T>(generated: T): T {
  const doc = structuredClone(generated) as OpenApiDoc;
  doc.components ??= {};
  const schemas = doc.components.schemas ?? {};
  doc.components.schemas = schemas;
  for (const [name, schema] of Object.entries(schemas)) {
    if (!name.startsWith('error.')) continue;
    const example = schema.example as { code?: string; message?: string } | undefined;
    schemas[name] = {
      ...errorBodySchema(TRPC_TO_APP_CODE.get(example?.code ?? ''), example?.message),
      title: schema.title,
      description: 'The error, as `{ error: { code, message, details } }`',
    };
  }
  schemas.Error = { ...errorBodySchema(undefined, undefined), title: 'Error' };
  for (const item of Object.values(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
      operation.responses ??= {};
      const responses = operation.responses as JsonObject;
      responses.default ??= {
        description: 'Any other error (409 conflicts, 412, 422, 429 with Retry-After…); `code` tells which',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
      if (method !== 'get') describeWrite(operation);
    }
  }
  return doc as T;
}

const MAX_BODY_DEPTH = 32;

/** Why a parsed REST body is not acceptable, or undefined when it is. */
function restBodyProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'The request body must be a JSON object';
  }
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > MAX_BODY_DEPTH) return `The request body nests deeper than ${MAX_BODY_DEPTH} levels`;
    if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

/**
 * A POST with no body (`…/confirm`, `…/release`) needs no content-type, and an
 * empty JSON body means "no input" rather than a parse error. REST bodies are
 * JSON objects of bounded depth: anything else would be dropped silently by the
 * adapter, or overflow its stack re-serialising it.
 */
function parseRestBodies(rest: FastifyInstance): void {
  const parseJson = rest.getDefaultJsonParser('error', 'error');
  rest.removeContentTypeParser('application/json');
  rest.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    return parseJson(request, String(body), (error, value) => {
      if (error) return done(error);
      const problem = restBodyProblem(value);
      if (problem) return done(badRequest(problem));
      return done(null, value);
    });
  });
  rest.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.headers['content-type'] === undefined) {
      request.headers['content-type'] = 'application/json';
    }
  });
}

/** The adapter answers errors in tRPC's shape (with our `appCode`): reshape them into the REST body. */
function reshapeErrors(rest: FastifyInstance): void {
  rest.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    try {
      const body = JSON.parse(payload) as {
        message?: string;
        data?: { appCode?: string; details?: JsonObject };
      };
      if (!body.data?.appCode) return payload;
      reply.header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(
        restErrorBody(body.data.appCode, body.message as string, { details: body.data.details ?? {} }),
      );
    } catch {
      return payload;
    }
  });
}

type DocumentedProcedure = { _def: { output?: unknown; meta?: { openapi?: unknown } } };

/**
 * Every REST route declares its answer with `.output()` (schemas.ts,
 * order-schemas.ts), so the document lists every field. trpc-to-openapi would
 * silently leave out a route without one: refuse to start instead.
 */
export function assertOutputsDeclared(router: { _def: { procedures: unknown } } = appRouter): void {
  const missing = Object.entries(router._def.procedures as Record<string, DocumentedProcedure>)
    .filter(([, procedure]) => procedure._def.meta?.openapi && !procedure._def.output)
    .map(([path]) => path);
  if (missing.length > 0) {
    throw new Error(`REST procedures without an output schema: ${missing.join(', ')}`);
  }
}

/** /api/v1: the OpenAPI document and every procedure that declares an `openapi` meta. */
export async function registerRest(app: FastifyInstance, services: Services): Promise<void> {
  assertOutputsDeclared();
  const openApiDocument = describeRestContract(
    generateOpenApiDocument(appRouter, {
      title: 'Stockroom API',
      version: '1.0.0',
      baseUrl: '/api/v1',
      description:
        'Multi-warehouse inventory and reservations. Authenticate with `Authorization: Bearer <token>` (a JWT from auth.login, or a service token). Every mutation honours `Idempotency-Key`. Errors answer `{ "error": { "code", "message", "details" } }` with the HTTP status of their code.',
    }),
  );
  await app.register(
    async (rest) => {
      rest.get('/openapi.json', async () => openApiDocument);
      parseRestBodies(rest);
      reshapeErrors(rest);
      pinCoercionOff(appRouter);
      rest.addHook('preHandler', restInputReader(appRouter, '/api/v1'));
      await rest.register(fastifyTRPCOpenApiPlugin, {
        basePath: '/',
        router: appRouter,
        createContext: ({ req }: { req: FastifyRequest }) => createRequestContext(services, req),
        responseMeta,
      } as never);
    },
    { prefix: '/api/v1' },
  );
}
