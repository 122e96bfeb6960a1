/**
 * The typed tRPC client. Only the router's *type* comes from the API package
 * (`import type`), so no server code reaches the browser bundle. No data
 * transformer: dates arrive as ISO strings, money as integer minor units.
 */
import type { AppRouter, RouterInputs, RouterOutputs } from '@stockroom/api';
import { httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';

export type { RouterInputs, RouterOutputs };

export const trpc = createTRPCReact<AppRouter>();

export function createTrpcClient(getToken: () => string | null) {
  return trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // Server-Sent Events: EventSource cannot send headers, so the token travels as a connection param.
        true: httpSubscriptionLink({ url: '/trpc', connectionParams: () => ({ token: getToken() ?? '' }) }),
        false: httpBatchLink({
          url: '/trpc',
          maxURLLength: 4000,
          headers: () => {
            const token = getToken();
            return token ? { authorization: `Bearer ${token}` } : {};
          },
        }),
      }),
    ],
  });
}
