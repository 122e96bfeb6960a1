/**
 * Errors that escape the routes (malformed JSON, a body too large, a malformed
 * URL, no such route…): a clear 4xx/5xx in the contract's shape, never a
 * stack. A tRPC client gets a tRPC error envelope (a batch link hands it to
 * every call); everyone else gets the REST body.
 */
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type AppErrorInfo, ERROR_TABLE, restErrorBody, toAppError } from './errors.js';

/** `expose`: a 4xx whose message was written for the caller (rest-input.ts `badRequest`). */
type EscapedError = { statusCode?: unknown; code?: unknown; message?: unknown; expose?: unknown };

/**
 * What to answer: Fastify's own 4xx as bad input (their messages are safe and useful), the rest
 * mapped. A 403 or 404 that escapes a route comes from the static files (a path outside the
 * console's build, a segment too long for a file name): there is no such file — NOT_FOUND, never
 * a 403 that reads as an authorization refusal. 413 and 415 keep their HTTP status (what proxies
 * and clients expect) with VALIDATION_FAILED.
 */
function answerFor(error: EscapedError, status: number, info: AppErrorInfo) {
  if (status === 403 || status === 404) {
    return {
      code: 'NOT_FOUND',
      message: 'No such route or file',
      trpcCode: 'NOT_FOUND' as const,
      httpStatus: 404,
    };
  }
  const code = status === 413 || (status >= 400 && status < 500) ? 'VALIDATION_FAILED' : info.appCode;
  const fastifyMessage =
    (error.expose === true || (typeof error.code === 'string' && error.code.startsWith('FST_'))) &&
    typeof error.message === 'string' &&
    error.message.length < 200
      ? error.message
      : undefined;
  const message =
    status === 413
      ? 'The request body is too large'
      : status < 500
        ? (fastifyMessage ?? 'The request is not valid')
        : info.message;
  const trpcCode: TRPC_ERROR_CODE_KEY =
    status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : ERROR_TABLE[info.appCode].trpc;
  const httpStatus = status >= 500 ? ERROR_TABLE[info.appCode].http : status;
  return { code, message, trpcCode, httpStatus };
}

export function handleError(error: EscapedError, request: FastifyRequest, reply: FastifyReply) {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  const { code, message, trpcCode, httpStatus } = answerFor(error, status, toAppError(error));
  if (/^\/trpc(\/|$)/.test(request.url)) {
    return reply.code(httpStatus).send({
      error: {
        message,
        code: TRPC_ERROR_CODES_BY_KEY[trpcCode],
        data: { code: trpcCode, httpStatus, appCode: code, details: {}, requestId: request.id },
      },
    });
  }
  return reply.code(httpStatus).send(restErrorBody(code, message, { requestId: request.id }));
}

/** Errors Fastify raises before routing (a malformed URL): the same shape as everything else. */
export function handleFrameworkError(_error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.code(400).send(restErrorBody('VALIDATION_FAILED', 'The URL is not valid', { requestId: request.id }));
}

export function notFound(reply: FastifyReply) {
  return reply.code(404).send(restErrorBody('NOT_FOUND', 'No such route'));
}
