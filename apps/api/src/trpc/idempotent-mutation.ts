/**
 * The one way a router declares a write: who may call it, its input schema
 * (plus the optional idempotency key), its output schema and meta, and the core
 * use case it runs with `ctx.mutation` (actor + idempotency scope) and the
 * input without the key.
 */
import { markParsed } from '@stockroom/core';
import type { TRPCMutationProcedure } from '@trpc/server';
import type { z } from 'zod';
import type { Meta } from './init.js';
import type { Principal } from './middleware/auth.js';
import { ZIdempotencyKey } from './middleware/mutation-context.js';
import { mutationFor } from './procedures.js';

/**
 * A mutation's input: the schema plus the optional idempotency key, refusing
 * fields nobody asked for (a misspelt optional field must not be dropped
 * silently). Like every input, it never coerces types (`pinCoercionOff`, rest-input.ts).
 */
function withIdempotencyKey<Shape extends z.core.$ZodShape, Config extends z.core.$ZodObjectConfig>(
  schema: z.ZodObject<Shape, Config>,
) {
  return schema.extend({ idempotencyKey: ZIdempotencyKey.optional() }).strict();
}

/**
 * Split the idempotency key off a parsed input before it goes to core, marked as
 * parsed with the use case's schema (the keyed schema is that schema, stricter):
 * core's own `parseInput` does not parse it a second time.
 */
function splitKey<T extends { idempotencyKey?: string }>(
  schema: AnyObjectSchema,
  input: T | undefined,
): Omit<T, 'idempotencyKey'> {
  if (input == null) return {} as Omit<T, 'idempotencyKey'>; // an optional input: core judges `{}` itself
  const { idempotencyKey: _key, ...rest } = input;
  return markParsed(schema, rest);
}

type AnyObjectSchema = z.ZodObject<z.core.$ZodShape, z.core.$ZodObjectConfig>;
type Keyed<S extends AnyObjectSchema> = ReturnType<
  typeof withIdempotencyKey<S['shape'], S['_zod']['config']>
>;
type MutationCtx = Parameters<Parameters<ReturnType<typeof mutationFor>['mutation']>[0]>[0]['ctx'];

interface IdempotentMutationDef<S extends AnyObjectSchema, P extends z.ZodType, O, R> {
  /** The principals that may call it (SPEC §5). */
  allow: Principal[];
  /** openapi and service-token scope. */
  meta?: Meta;
  /** The fields the use case takes; the idempotency key is added. */
  input: S;
  /** A last touch on the keyed schema (a cross-field refinement, `.optional()`). */
  wrap?: (keyed: Keyed<S>) => P;
  output?: O;
  run: (
    mutation: MutationCtx['mutation'],
    input: Omit<NonNullable<z.output<P>>, 'idempotencyKey'>,
    ctx: MutationCtx,
  ) => Promise<R>;
}

/** What the client sees: the output schema's type when there is one, else the use case's. */
type OutputOf<O, R> = O extends z.ZodType ? z.output<O> : R;

export function idempotentMutation<
  S extends AnyObjectSchema,
  R extends O extends z.ZodType ? z.input<O> : unknown,
  P extends z.ZodType = Keyed<S>,
  O extends z.ZodType | undefined = undefined,
>(
  def: IdempotentMutationDef<S, P, O, R>,
): TRPCMutationProcedure<{ input: z.input<P>; output: OutputOf<O, R>; meta: Meta }> {
  const keyed = withIdempotencyKey(def.input) as unknown as Keyed<S>;
  const parser = def.wrap ? def.wrap(keyed) : keyed;
  let builder = mutationFor(...def.allow);
  if (def.meta) builder = builder.meta(def.meta);
  const withInput = builder.input(parser);
  const procedure = (def.output ? withInput.output(def.output) : withInput).mutation(({ ctx, input }) =>
    def.run(
      ctx.mutation,
      splitKey(def.input, input as { idempotencyKey?: string } | undefined) as Omit<
        NonNullable<z.output<P>>,
        'idempotencyKey'
      >,
      ctx,
    ),
  );
  return procedure as never;
}
