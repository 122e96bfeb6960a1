/**
 * What went wrong, in the API's own words: every tRPC error from the API carries
 * a stable `appCode` (the API's `AppCode` type), a message written for people, and details.
 */
import type { AppCode } from '../trpc';

export interface AppErrorInfo {
  /** The API's appCode, or NETWORK when the server could not be reached. */
  appCode: AppCode | 'NETWORK';
  message: string;
  details: Record<string, unknown>;
}

interface ErrorShape {
  message?: unknown;
  data?: { appCode?: unknown; details?: unknown } | null;
}

export function errorInfo(error: unknown): AppErrorInfo {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  // Any string the API put there is one of its codes (the error formatter writes AppCode only).
  const appCode = typeof shape.data?.appCode === 'string' ? (shape.data.appCode as AppCode) : undefined;
  const details =
    typeof shape.data?.details === 'object' && shape.data.details !== null
      ? (shape.data.details as Record<string, unknown>)
      : {};
  if (appCode) {
    return { appCode, message: typeof shape.message === 'string' ? shape.message : appCode, details };
  }
  return {
    appCode: 'NETWORK',
    message: 'Could not reach the Stockroom server. Check your connection and try again.',
    details,
  };
}

export const hasAppCode = (error: unknown, appCode: AppErrorInfo['appCode']): boolean =>
  error != null && errorInfo(error).appCode === appCode;
