/**
 * One builder per event type written by more than one path, so every writer
 * (a single reservation, a coalesced batch, a stock change) emits the same
 * payload. Builders take plain data: they know the event's shape, not the
 * domain that fires it. Their types come from the catalogue (catalogue.ts).
 */
import {
  type NewEvent,
  newEvent,
  type ReservationCreatedPayload,
  type StockChangedPayload,
} from './catalogue.js';

export function stockChanged(payload: StockChangedPayload): NewEvent<'stock.changed'> {
  return newEvent('stock.changed', `${payload.warehouseId}:${payload.sku}`, { ...payload });
}

export function reservationCreated(payload: ReservationCreatedPayload): NewEvent<'reservation.created'> {
  return newEvent('reservation.created', payload.id, {
    id: payload.id,
    reference: payload.reference,
    lines: payload.lines.map((l) => ({ sku: l.sku, warehouseId: l.warehouseId, quantity: l.quantity })),
    actor: payload.actor,
  });
}

/** A hold ended: `reservation.confirmed`, `.released` or `.expired`. */
export function reservationEnded(
  id: string,
  to: 'confirmed' | 'released' | 'expired',
  actor: string,
): NewEvent<`reservation.${typeof to}`> {
  return newEvent(`reservation.${to}`, id, { id, actor });
}

export function reservationExtended(
  id: string,
  expiresAt: string,
  actor: string,
): NewEvent<'reservation.extended'> {
  return newEvent('reservation.extended', id, { id, expiresAt, actor });
}
