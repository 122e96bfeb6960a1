/**
 * One live connection per signed-in operator: the API's event stream (SSE). Each
 * event refreshes exactly the cached queries it makes stale — stock levels, the
 * ledger, orders — so every open page shows the change without a reload. Stock
 * figures are never patched from the event: the page refetches the truth.
 */

import { createContext, type ReactNode, useContext, useMemo, useRef, useSyncExternalStore } from 'react';
import { trpc } from '../trpc';
import { EventFeed, FreshOrders, type LiveEvent } from './live-feed';

export type LiveStatus = 'off' | 'connecting' | 'live' | 'reconnecting';

interface LiveContextValue {
  status: LiveStatus;
  feed: EventFeed;
  freshOrders: FreshOrders;
}

const LiveContext = createContext<LiveContextValue | null>(null);

interface Pending {
  skus: Set<string>;
  orders: Set<string>;
  reservations: Set<string>;
  stock: boolean;
  orderLists: boolean;
  warehouses: boolean;
  catalog: boolean;
}

const nothingPending = (): Pending => ({
  skus: new Set(),
  orders: new Set(),
  reservations: new Set(),
  stock: false,
  orderLists: false,
  warehouses: false,
  catalog: false,
});

/** The dashboard's figures are one SQL aggregate over every row: refreshed at most once a second. */
const SUMMARY_EVERY_MS = 1_000;

/** Refresh the dashboard's figures after a change, at most once every SUMMARY_EVERY_MS (the last change always lands). */
function useThrottledSummary() {
  const utils = trpc.useUtils();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const last = useRef(0);
  return () => {
    if (timer.current) return;
    const wait = Math.max(0, last.current + SUMMARY_EVERY_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = undefined;
      last.current = Date.now();
      void utils.dashboard.summary.invalidate();
    }, wait);
  };
}

/** Collects what to refresh and refreshes it at most every 250 ms (a race fires hundreds of events). */
function useBatchedInvalidation() {
  const utils = trpc.useUtils();
  const refreshSummary = useThrottledSummary();
  const pending = useRef<Pending>(nothingPending());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = () => {
    timer.current = undefined;
    const p = pending.current;
    pending.current = nothingPending();
    for (const sku of p.skus) void utils.products.get.invalidate({ sku });
    for (const id of p.orders) void utils.orders.get.invalidate({ id });
    for (const id of p.reservations) void utils.reservations.get.invalidate({ id });
    if (p.stock || p.catalog) {
      void utils.inventory.invalidate();
      void utils.products.search.invalidate();
    }
    if (p.stock || p.catalog || p.orderLists || p.reservations.size > 0) refreshSummary();
    if (p.catalog) void utils.products.get.invalidate();
    if (p.orderLists) {
      void utils.orders.list.invalidate();
    }
    if (p.warehouses) void utils.warehouses.list.invalidate();
  };

  return (event: LiveEvent) => {
    const p = pending.current;
    switch (event.aggregateType) {
      case 'stock_level':
        p.skus.add(event.payload.sku);
        p.stock = true;
        break;
      case 'order':
        p.orders.add(event.aggregateId);
        p.orderLists = true;
        break;
      case 'reservation':
        p.reservations.add(event.aggregateId);
        break;
      case 'warehouse':
        p.warehouses = true;
        break;
      case 'product':
        p.catalog = true;
        break;
    }
    timer.current ??= setTimeout(flush, 250);
  };
}

export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const feed = useMemo(() => new EventFeed(), []);
  const freshOrders = useMemo(() => new FreshOrders(), []);
  const invalidate = useBatchedInvalidation();

  const subscription = trpc.events.onEvent.useSubscription(undefined, {
    onData({ data: event }) {
      feed.add([event]);
      if (event.aggregateType === 'order') {
        const arrived = event.type === 'order.created' || event.type === 'order.paid';
        freshOrders.mark(event.aggregateId, arrived ? 'new' : 'changed');
      }
      invalidate(event);
    },
  });

  const status: LiveStatus =
    subscription.status === 'pending'
      ? 'live'
      : subscription.status === 'error'
        ? 'reconnecting'
        : subscription.status === 'connecting'
          ? 'connecting'
          : 'off';

  const value = useMemo(() => ({ status, feed, freshOrders }), [status, feed, freshOrders]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

const idle: LiveContextValue = { status: 'off', feed: new EventFeed(), freshOrders: new FreshOrders() };

/** The live connection; an idle one for people who have no event stream (sellers). */
export function useLive(): LiveContextValue {
  return useContext(LiveContext) ?? idle;
}

export function useLiveFeed(): LiveEvent[] {
  const { feed } = useLive();
  return useSyncExternalStore(feed.subscribe, feed.get);
}

export function useFreshOrders(): ReadonlyMap<string, 'new' | 'changed'> {
  const { freshOrders } = useLive();
  return useSyncExternalStore(freshOrders.subscribe, freshOrders.get);
}
