import { createUser, listUsers, updateUser, ZCreateUserInput, ZUpdateUserInput } from '@stockroom/core';
import { allow, mutationFor, router, splitKey, withIdempotencyKey } from '../trpc.js';

export const usersRouter = router({
  list: allow('admin').query(({ ctx }) => listUsers(ctx.db, ctx.actor)),
  create: mutationFor('admin')
    .input(withIdempotencyKey(ZCreateUserInput))
    .mutation(({ ctx, input }) => createUser(ctx.mutation, splitKey(input))),
  update: mutationFor('admin')
    .input(withIdempotencyKey(ZUpdateUserInput))
    .mutation(({ ctx, input }) => updateUser(ctx.mutation, splitKey(input))),
});
