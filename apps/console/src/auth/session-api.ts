/**
 * Signing in and out of the console: the API's cookie-session endpoints. The
 * answer to signing in holds no token (it travels in an httpOnly cookie), only
 * who signed in, until when, and the CSRF token for this session.
 */
import type { AppErrorInfo } from '../lib/errors';
import type { AppCode } from '../trpc';
import type { Session } from './session';
import type { Credentials } from './sign-in';

class SessionRequestError extends Error {
  constructor(readonly info: AppErrorInfo) {
    super(info.message);
  }
}

async function failure(response: Response): Promise<SessionRequestError> {
  const body = (await response.json().catch(() => null)) as {
    error?: { code?: AppCode; message?: string; details?: Record<string, unknown> };
  } | null;
  return new SessionRequestError({
    appCode: body?.error?.code ?? 'NETWORK',
    message:
      body?.error?.message ?? 'Could not reach the Stockroom server. Check your connection and try again.',
    details: body?.error?.details ?? {},
  });
}

export async function requestSession(credentials: Credentials): Promise<Session> {
  const response = await fetch('/auth/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
    credentials: 'same-origin',
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as Session;
}

/** Revoke the session on the server (best effort: the page forgets it either way). */
export async function endSession(csrfToken: string | null): Promise<void> {
  await fetch('/auth/session', {
    method: 'DELETE',
    headers: csrfToken ? { 'x-csrf-token': csrfToken } : {},
    credentials: 'same-origin',
  }).catch(() => {});
}
