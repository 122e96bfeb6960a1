/**
 * What the live event stream left behind for the pages: the newest events (the
 * dashboard's activity feed) and which orders just arrived or changed (the
 * orders list highlights them). Plain stores, observable with useSyncExternalStore.
 */
import type { StockroomEvent } from '../trpc';

/** An event of the API's catalogue: its `type` narrows its payload. */
export type LiveEvent = StockroomEvent;

type Listener = () => void;

export class EventFeed {
  private items: LiveEvent[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(private readonly capacity = 50) {}

  /** Newest first, without duplicates (an event listed and then streamed appears once). */
  add(events: LiveEvent[]): void {
    if (events.length === 0) return;
    const seen = new Set(this.items.map((e) => e.id));
    const fresh = events.filter((e) => !seen.has(e.id) && seen.add(e.id));
    if (fresh.length === 0) return;
    this.items = [...fresh, ...this.items].sort((a, b) => b.id - a.id).slice(0, this.capacity);
    for (const listener of this.listeners) listener();
  }

  get = (): LiveEvent[] => this.items;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** Orders that arrived or changed in the last `holdMs`, by id → 'new' | 'changed'. */
export class FreshOrders {
  private marks = new Map<string, { kind: 'new' | 'changed'; at: number }>();
  private snapshot: ReadonlyMap<string, 'new' | 'changed'> = new Map();
  private readonly listeners = new Set<Listener>();

  constructor(private readonly holdMs = 15_000) {}

  mark(id: string, kind: 'new' | 'changed', now = Date.now()): void {
    const current = this.marks.get(id);
    // An order that is new stays new while it is fresh, even if it changes again.
    const keep = current?.kind === 'new' && now - current.at < this.holdMs ? 'new' : kind;
    this.marks.set(id, { kind: keep, at: now });
    this.publish(now);
    setTimeout(() => this.publish(Date.now()), this.holdMs + 50);
  }

  private publish(now: number): void {
    for (const [id, mark] of this.marks) if (now - mark.at >= this.holdMs) this.marks.delete(id);
    this.snapshot = new Map([...this.marks].map(([id, m]) => [id, m.kind]));
    for (const listener of this.listeners) listener();
  }

  get = (): ReadonlyMap<string, 'new' | 'changed'> => this.snapshot;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
