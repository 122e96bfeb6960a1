/**
 * The typed tRPC client. Only the router's *type* comes from the API package
 * (`import type`), so no server code reaches the browser bundle. No data
 * transformer: dates arrive as ISO strings, money as integer minor units.
 */
import type { AppRouter, RouterInputs, RouterOutputs } from '@stockroom/api';
import { httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';

/** The API's error codes and its event catalogue, as types. */
export type { AppCode, EventCatalogue, EventType, StockroomEvent, WebhookEventType } from '@stockroom/api';
export type { RouterInputs, RouterOutputs };

export const trpc = createTRPCReact<AppRouter>();

/**
 * The session is an httpOnly cookie the browser sends by itself (same origin,
 * SameSite=Strict); every request also carries the session's CSRF token, which
 * the API requires for anything that changes state.
 */
export function createTrpcClient(getCsrfToken: () => string | null) {
  return trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // Server-Sent Events: the EventSource sends the session cookie.
        true: httpSubscriptionLink({ url: '/trpc' }),
        false: httpBatchLink({
          url: '/trpc',
          maxURLLength: 4000,
          headers: () => {
            const csrf = getCsrfToken();
            return csrf ? { 'x-csrf-token': csrf } : {};
          },
        }),
      }),
    ],
  });
}
