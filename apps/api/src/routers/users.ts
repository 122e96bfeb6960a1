import { createUser, listUsers, updateUser, ZCreateUserInput, ZUpdateUserInput } from '@stockroom/core';
import { z } from 'zod';
import { rest, ZUserOut } from '../schemas.js';
import { allow, idempotentMutation, router } from '../trpc.js';

/** A warehouse named twice would break the user–warehouse key: refuse it as bad input. */
const distinctWarehouses = (input: { warehouseIds?: string[] }) =>
  input.warehouseIds === undefined || new Set(input.warehouseIds).size === input.warehouseIds.length;
const onceEach = { message: 'name each warehouse once', path: ['warehouseIds'] };

export const usersRouter = router({
  list: allow('admin')
    .meta({ openapi: rest('GET', '/users', 'users', 'Every user') })
    .output(z.array(ZUserOut))
    .query(({ ctx }) => listUsers(ctx.db, ctx.actor)),
  create: idempotentMutation({
    allow: ['admin'],
    meta: { openapi: rest('POST', '/users', 'users', 'Create a user (warehouses by id or code)') },
    input: ZCreateUserInput,
    output: ZUserOut,
    wrap: (keyed) => keyed.refine(distinctWarehouses, onceEach),
    run: createUser,
  }),
  update: idempotentMutation({
    allow: ['admin'],
    meta: { openapi: rest('PATCH', '/users/{id}', 'users', 'Change a user') },
    input: ZUpdateUserInput,
    output: ZUserOut,
    wrap: (keyed) => keyed.refine(distinctWarehouses, onceEach),
    run: updateUser,
  }),
});
