import {
  confirmReservation,
  extendReservation,
  getReservation,
  listReservations,
  releaseReservation,
  ZExtendInput,
  ZReleaseInput,
  ZReservationId,
  ZReservationsListInput,
  ZReserveInput,
} from '@stockroom/core';
import { lagTolerant } from '../reads.js';
import { rest, ZReservationOut, ZReservationsPageOut } from '../schemas.js';
import { allow, idempotentMutation, router } from '../trpc.js';

export const reservationsRouter = router({
  create: idempotentMutation({
    allow: ['service', 'buyer', 'admin'],
    meta: {
      scope: 'reservations',
      openapi: {
        method: 'POST',
        path: '/reservations',
        tags: ['reservations'],
        summary: 'Hold stock (all lines or none)',
        protect: true,
      },
    },
    input: ZReserveInput,
    output: ZReservationOut,
    run: (mutation, input, ctx) => ctx.services.reservations.reserve(mutation, input),
  }),
  // Staff see holds with a line at their warehouses; a limited token, holds at its warehouses.
  list: allow('staff', 'admin', 'service')
    .meta({
      scope: 'reservations',
      openapi: {
        method: 'GET',
        path: '/reservations',
        tags: ['reservations'],
        summary: 'Holds, newest first (staff: at their warehouses), with owner and time left',
        protect: true,
      },
    })
    .input(ZReservationsListInput)
    .output(ZReservationsPageOut)
    .query(({ ctx, input }) => lagTolerant(ctx, (db) => listReservations(db, ctx.actor, input))),
  get: allow('buyer', 'staff', 'admin', 'service')
    .meta({
      scope: 'reservations',
      openapi: {
        method: 'GET',
        path: '/reservations/{id}',
        tags: ['reservations'],
        summary: 'A reservation (lazy expiry applied)',
        protect: true,
      },
    })
    .input(ZReservationId)
    .output(ZReservationOut)
    .query(({ ctx, input }) => getReservation(ctx.db, ctx.actor, input)),
  // Buyers never confirm: a buyer's stock leaves the shelf only through payment (issue 10).
  confirm: idempotentMutation({
    allow: ['service', 'admin'],
    meta: {
      scope: 'reservations',
      openapi: {
        method: 'POST',
        path: '/reservations/{id}/confirm',
        tags: ['reservations'],
        summary: 'Confirm: the held units are sold (service, admin; not a hold that belongs to an order)',
        protect: true,
      },
    },
    input: ZReservationId,
    output: ZReservationOut,
    run: confirmReservation,
  }),
  // Staff release stuck holds at their own warehouses; the reason lands in the ledger.
  release: idempotentMutation({
    allow: ['buyer', 'staff', 'service', 'admin'],
    meta: {
      scope: 'reservations',
      openapi: {
        method: 'POST',
        path: '/reservations/{id}/release',
        tags: ['reservations'],
        summary: 'Release the hold (optional reason, recorded on the release movements)',
        protect: true,
      },
    },
    input: ZReleaseInput,
    output: ZReservationOut,
    run: releaseReservation,
  }),
  extend: idempotentMutation({
    allow: ['buyer', 'service', 'admin'],
    meta: {
      scope: 'reservations',
      openapi: rest('POST', '/reservations/{id}/extend', 'reservations', 'Extend a pending hold'),
    },
    input: ZExtendInput,
    output: ZReservationOut,
    run: (mutation, input, ctx) => extendReservation(mutation, input, ctx.services.reserveOptions),
  }),
});
