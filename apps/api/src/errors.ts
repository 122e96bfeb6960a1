/**
 * The one table from domain errors to tRPC codes and HTTP statuses (API.md),
 * and the translation of anything else into a safe answer: unknown errors
 * become INTERNAL with a request id, never a stack, SQL or internal message.
 */
import { type AppCode, isDomainError } from '@stockroom/core';
import { databaseTrouble } from '@stockroom/db';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

export const ERROR_TABLE: Record<AppCode | 'INTERNAL', { trpc: TRPC_ERROR_CODE_KEY; http: number }> = {
  VALIDATION_FAILED: { trpc: 'BAD_REQUEST', http: 400 },
  UNAUTHENTICATED: { trpc: 'UNAUTHORIZED', http: 401 },
  FORBIDDEN: { trpc: 'FORBIDDEN', http: 403 },
  NOT_FOUND: { trpc: 'NOT_FOUND', http: 404 },
  INSUFFICIENT_STOCK: { trpc: 'CONFLICT', http: 409 },
  VERSION_MISMATCH: { trpc: 'CONFLICT', http: 409 },
  IDEMPOTENCY_KEY_REUSED: { trpc: 'UNPROCESSABLE_CONTENT', http: 422 },
  INVALID_TRANSITION: { trpc: 'CONFLICT', http: 409 },
  RESERVATION_EXPIRED: { trpc: 'PRECONDITION_FAILED', http: 412 },
  RATE_LIMITED: { trpc: 'TOO_MANY_REQUESTS', http: 429 },
  UNAVAILABLE: { trpc: 'SERVICE_UNAVAILABLE', http: 503 },
  INTERNAL: { trpc: 'INTERNAL_SERVER_ERROR', http: 500 },
};

/** What every error answer carries (tRPC `error.data`, REST `error`). */
export interface AppErrorInfo {
  appCode: AppCode | 'INTERNAL';
  message: string;
  details: Record<string, unknown>;
  /** Seconds to wait before retrying (429 and 503). */
  retryAfter?: number;
}

export interface RestErrorBody {
  error: { code: string; message: string; details: Record<string, unknown>; requestId?: string };
}

/** The REST error body (API.md); `requestId` when the answer belongs to a request. */
export function restErrorBody(
  code: string,
  message: string,
  options: { details?: Record<string, unknown>; requestId?: string } = {},
): RestErrorBody {
  const { details = {}, requestId } = options;
  return { error: { code, message, details, ...(requestId !== undefined ? { requestId } : {}) } };
}

/** The domain error behind a TRPCError, if there is one. */
export class MappedError extends TRPCError {
  readonly info: AppErrorInfo;
  constructor(info: AppErrorInfo, cause?: unknown) {
    super({ code: ERROR_TABLE[info.appCode].trpc, message: info.message, cause });
    this.info = info;
  }
}

/**
 * SQLSTATE class 22, "data exception": PostgreSQL refused a value the request
 * carried (a date before year 1, a non-numeric cursor key, a number out of
 * range…). Also 54001, "statement too complex" (a search query that would nest
 * operators too deep: "tsquery stack too small"). The request is at fault, not
 * the server.
 */
export const isDataException = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  /^(22[0-9A-Z]{3}|54001)$/.test(String((error as { code?: unknown }).code)) &&
  typeof (error as { severity?: unknown }).severity === 'string';

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}

function zodIssues(error: unknown): ZodLikeIssue[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const issues = (error as { issues?: unknown }).issues;
  return Array.isArray(issues) && (error as { name?: string }).name === 'ZodError'
    ? (issues as ZodLikeIssue[])
    : undefined;
}

/** Classify any thrown value. */
export function toAppError(error: unknown): AppErrorInfo {
  if (error instanceof MappedError) return error.info;
  const cause = error instanceof TRPCError && error.cause ? error.cause : error;
  if (isDomainError(cause)) {
    const wait = cause.details.retryAfterSeconds;
    return {
      appCode: cause.code,
      message: cause.message,
      details: cause.details,
      ...(typeof wait === 'number' ? { retryAfter: wait } : {}),
    };
  }
  const issues = zodIssues(cause);
  if (issues) {
    const list = issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const first = list[0];
    return {
      appCode: 'VALIDATION_FAILED',
      message: first ? `${first.path || 'input'}: ${first.message}` : 'Input is not valid',
      details: { issues: list },
    };
  }
  if (error instanceof TRPCError) {
    // Errors tRPC raises itself (bad JSON, unknown procedure, wrong method…).
    switch (error.code) {
      case 'PARSE_ERROR':
      case 'BAD_REQUEST':
      case 'PAYLOAD_TOO_LARGE':
      case 'UNSUPPORTED_MEDIA_TYPE':
      case 'METHOD_NOT_SUPPORTED':
        return {
          appCode: 'VALIDATION_FAILED',
          message: safeMessage(error.message, 'The request is not valid'),
          details: {},
        };
      case 'NOT_FOUND':
        return { appCode: 'NOT_FOUND', message: 'No such procedure or resource', details: {} };
      case 'UNAUTHORIZED':
        return { appCode: 'UNAUTHENTICATED', message: error.message, details: {} };
      case 'FORBIDDEN':
        return { appCode: 'FORBIDDEN', message: error.message, details: {} };
      case 'TOO_MANY_REQUESTS':
        return { appCode: 'RATE_LIMITED', message: error.message, details: {}, retryAfter: 1 };
      case 'CLIENT_CLOSED_REQUEST':
        return { appCode: 'VALIDATION_FAILED', message: 'The request was cancelled', details: {} };
      default:
        break;
    }
  }
  const trouble = databaseTrouble(cause);
  if (trouble === 'timeout') {
    return {
      appCode: 'UNAVAILABLE',
      message: 'The database took too long to answer; try again shortly',
      details: {},
      retryAfter: 2,
    };
  }
  if (isDataException(cause)) {
    return {
      appCode: 'VALIDATION_FAILED',
      message:
        'A value in the request is outside what can be stored or compared; check dates, numbers and cursors',
      details: {},
    };
  }
  if (trouble === 'unavailable') {
    return {
      appCode: 'UNAVAILABLE',
      message: 'The database is not reachable; try again shortly',
      details: {},
      retryAfter: 2,
    };
  }
  return { appCode: 'INTERNAL', message: 'Something went wrong on our side', details: {} };
}

/** tRPC's own messages are fine to show, unless they carry parser internals. */
function safeMessage(message: string, fallback: string): string {
  return message.length > 0 && message.length < 200 && !/\bat\s.+:\d+:\d+/.test(message) ? message : fallback;
}

export function domainToTRPC(error: unknown): MappedError {
  const info = toAppError(error);
  return new MappedError(info, error);
}
