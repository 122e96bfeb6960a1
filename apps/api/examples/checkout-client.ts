/**
 * How the checkout service talks to Stockroom: a typed tRPC client built from
 * the API's router type (types only — no server code is bundled), a service
 * token, and idempotency keys on every write so a retried request never holds
 * or sells twice.
 *
 * The flow for one cart: hold both lines (the router picks the warehouses
 * nearest to the ship-to address), take the payment, then confirm the hold — or
 * release it when anything fails, so the units go back on sale at once.
 *
 *   API_URL=http://localhost:3000 SERVICE_TOKEN=dev-service-token \
 *     pnpm --filter @stockroom/api exec tsx examples/checkout-client.ts
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { AppRouter, RouterInputs, RouterOutputs } from '@stockroom/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';

type Reservation = RouterOutputs['reservations']['create'];
type CartLine = RouterInputs['reservations']['create']['lines'][number];

export interface CheckoutResult {
  reservation: Reservation;
  outcome: 'confirmed' | 'released';
}

export function createStockroomClient(url: string, token: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url.replace(/\/$/, '')}/trpc`,
        headers: () => ({ authorization: `Bearer ${token}` }),
      }),
    ],
  });
}

/** The stable tRPC error code of a failed call (`INSUFFICIENT_STOCK`, `RESERVATION_EXPIRED`, …). */
export function appCodeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = error.data as { appCode?: string } | undefined;
  return data?.appCode;
}

/**
 * Reserve a two-line cart for a customer in Chicago, "take the payment", and
 * confirm; release the hold if the payment fails.
 * `pay` stands in for the payment provider.
 */
export async function runCheckoutExample(
  url = process.env.API_URL ?? 'http://localhost:3000',
  token = process.env.SERVICE_TOKEN ?? 'dev-service-token',
  options: { lines?: CartLine[]; pay?: (reservation: Reservation) => Promise<void> } = {},
): Promise<CheckoutResult> {
  const stockroom = createStockroomClient(url, token);
  const cartId = `cart-${randomUUID()}`;
  const lines = options.lines ?? [
    { sku: 'EL-HDP-001', quantity: 1 },
    { sku: 'KT-KTL-001', quantity: 2 },
  ];

  // One key per intended effect, derived from the cart: a retry of the same
  // step (after a timeout, say) replays the stored answer instead of acting twice.
  const reservation = await stockroom.reservations.create.mutate({
    lines,
    shipTo: { latitude: 41.8781, longitude: -87.6298 },
    strategy: 'nearest',
    ttlSeconds: 600,
    reference: cartId,
    idempotencyKey: `${cartId}:reserve`,
  });

  try {
    await (options.pay ?? (async () => {}))(reservation);
  } catch {
    // Payment failed: give the units back now rather than when the hold expires.
    const released = await stockroom.reservations.release.mutate({
      id: reservation.id,
      idempotencyKey: `${cartId}:release`,
    });
    return { reservation: released, outcome: 'released' };
  }

  // Paid: the held units are sold, at the warehouses that held them. Safe to
  // retry with the same key; RESERVATION_EXPIRED means the hold ran out first.
  const confirmed = await stockroom.reservations.confirm.mutate({
    id: reservation.id,
    idempotencyKey: `${cartId}:confirm`,
  });
  return { reservation: confirmed, outcome: 'confirmed' };
}

// Run directly: print what happened.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCheckoutExample().then(
    ({ reservation, outcome }) => {
      console.log(`${outcome}: reservation ${reservation.id} (${reservation.reference})`);
      for (const line of reservation.lines) {
        console.log(`  ${line.quantity} × ${line.sku} from warehouse ${line.warehouseId}`);
      }
    },
    (error: unknown) => {
      console.error(`checkout failed: ${appCodeOf(error) ?? ''} ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
