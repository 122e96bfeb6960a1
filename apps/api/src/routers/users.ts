import { createUser, listUsers, updateUser, ZCreateUserInput, ZUpdateUserInput } from '@stockroom/core';
import { allow, mutationFor, router, splitKey, withIdempotencyKey } from '../trpc.js';

/** A warehouse named twice would break the user–warehouse key: refuse it as bad input. */
const distinctWarehouses = (input: { warehouseIds?: string[] }) =>
  input.warehouseIds === undefined || new Set(input.warehouseIds).size === input.warehouseIds.length;
const onceEach = { message: 'name each warehouse once', path: ['warehouseIds'] };

export const usersRouter = router({
  list: allow('admin').query(({ ctx }) => listUsers(ctx.db, ctx.actor)),
  create: mutationFor('admin')
    .input(withIdempotencyKey(ZCreateUserInput).refine(distinctWarehouses, onceEach))
    .mutation(({ ctx, input }) => createUser(ctx.mutation, splitKey(input))),
  update: mutationFor('admin')
    .input(withIdempotencyKey(ZUpdateUserInput).refine(distinctWarehouses, onceEach))
    .mutation(({ ctx, input }) => updateUser(ctx.mutation, splitKey(input))),
});
