/**
 * One builder per event type written by more than one path, so every writer
 * (a single reservation, a coalesced batch, a stock change) emits the same
 * payload. Builders take plain data: they know the event's shape, not the
 * domain that fires it.
 */
import type { NewEvent } from './outbox.js';

export interface StockChangedPayload {
  warehouseId: string;
  productId: string;
  sku: string;
  kind: string;
  onHandDelta: number;
  reservedDelta: number;
  /** The level after the change. */
  onHand: number;
  reserved: number;
  available: number;
  version: number;
  reference: string | null;
  actor: string;
}

export function stockChanged(payload: StockChangedPayload): NewEvent {
  return {
    type: 'stock.changed',
    aggregateType: 'stock_level',
    aggregateId: `${payload.warehouseId}:${payload.sku}`,
    payload: { ...payload },
  };
}

export interface ReservationCreatedPayload {
  id: string;
  reference: string | null;
  lines: { sku: string; warehouseId: string; quantity: number }[];
  actor: string;
}

export function reservationCreated(payload: ReservationCreatedPayload): NewEvent {
  return {
    type: 'reservation.created',
    aggregateType: 'reservation',
    aggregateId: payload.id,
    payload: {
      id: payload.id,
      reference: payload.reference,
      lines: payload.lines.map((l) => ({ sku: l.sku, warehouseId: l.warehouseId, quantity: l.quantity })),
      actor: payload.actor,
    },
  };
}

/** A hold ended: `reservation.confirmed`, `.released` or `.expired`. */
export function reservationEnded(
  id: string,
  to: 'confirmed' | 'released' | 'expired',
  actor: string,
): NewEvent {
  return { type: `reservation.${to}`, aggregateType: 'reservation', aggregateId: id, payload: { id, actor } };
}

export function reservationExtended(id: string, expiresAt: string, actor: string): NewEvent {
  return {
    type: 'reservation.extended',
    aggregateType: 'reservation',
    aggregateId: id,
    payload: { id, expiresAt, actor },
  };
}
