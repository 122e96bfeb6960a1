import {
  confirmReservation,
  extendReservation,
  getReservation,
  releaseReservation,
  ZExtendInput,
  ZReservationId,
  ZReserveInput,
} from '@stockroom/core';
import { ZReservationOut } from '../schemas.js';
import { allow, mutationFor, router, splitKey, withIdempotencyKey } from '../trpc.js';

export const reservationsRouter = router({
  create: mutationFor('service', 'buyer', 'admin')
    .meta({
      scope: 'reservations',
      openapi: {
        method: 'POST',
        path: '/reservations',
        tags: ['reservations'],
        summary: 'Hold stock (all lines or none)',
        protect: true,
      },
    })
    .input(withIdempotencyKey(ZReserveInput))
    .output(ZReservationOut)
    .mutation(({ ctx, input }) => ctx.services.reservations.reserve(ctx.mutation, splitKey(input))),
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
  confirm: mutationFor('service', 'admin')
    .meta({
      scope: 'reservations',
      openapi: {
        method: 'POST',
        path: '/reservations/{id}/confirm',
        tags: ['reservations'],
        summary: 'Confirm: the held units are sold (service, admin; not a hold that belongs to an order)',
        protect: true,
      },
    })
    .input(withIdempotencyKey(ZReservationId))
    .output(ZReservationOut)
    .mutation(({ ctx, input }) => confirmReservation(ctx.mutation, splitKey(input))),
  release: mutationFor('buyer', 'service', 'admin')
    .meta({
      scope: 'reservations',
      openapi: {
        method: 'POST',
        path: '/reservations/{id}/release',
        tags: ['reservations'],
        summary: 'Release the hold',
        protect: true,
      },
    })
    .input(withIdempotencyKey(ZReservationId))
    .output(ZReservationOut)
    .mutation(({ ctx, input }) => releaseReservation(ctx.mutation, splitKey(input))),
  extend: mutationFor('buyer', 'service', 'admin')
    .meta({ scope: 'reservations' })
    .input(withIdempotencyKey(ZExtendInput))
    .output(ZReservationOut)
    .mutation(({ ctx, input }) =>
      extendReservation(ctx.mutation, splitKey(input), ctx.services.reserveOptions),
    ),
});
