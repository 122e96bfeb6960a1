/**
 * patches/@trpc__server@11.19.0.patch replaces the object-spread helper of
 * tRPC's published build (run for every middleware level of every call) with
 * the language's own spread. These are the properties the middleware chain
 * relies on; a helper with other semantics (Object.assign: setters, `__proto__`
 * changing the prototype; a shallow copy sharing state between calls) fails them.
 */
import { initTRPC } from '@trpc/server';
import { expect, it } from 'vitest';
import { z } from 'zod';

const MARK = Symbol('mark');

function router() {
  const t = initTRPC.context<Record<string | symbol, unknown>>().create();
  const chain = t.procedure
    .use(({ next }) => next({ ctx: { level: 1, first: true } }))
    // A context handed on with an own "__proto__" key (from JSON): a key, never a prototype.
    .use(({ next }) => next({ ctx: { level: 2, ...JSON.parse('{"__proto__": {"polluted": true}}') } }))
    .use(({ next }) => next({ ctx: { [MARK]: 'kept' } }));
  return t.router({
    echo: chain
      .input(z.object({ n: z.number() }))
      .output(z.object({ n: z.number(), ctx: z.unknown() }))
      .query(({ input, ctx }) => ({ n: input.n, ctx })),
  });
}

it('merges every middleware context in order, keeps symbol keys and leaves prototypes alone', async () => {
  const root = { base: 'root', level: 0 };
  const caller = router().createCaller(root);
  const { n, ctx } = await caller.echo({ n: 7 });
  const merged = ctx as Record<string | symbol, unknown>;
  expect(n).toBe(7);
  expect(merged.base).toBe('root');
  expect(merged.first).toBe(true);
  expect(merged.level).toBe(2);
  expect(merged[MARK]).toBe('kept');
  expect(Object.hasOwn(merged, '__proto__')).toBe(true);
  expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  expect(merged.polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  // The caller's own context object is not written to.
  expect(root).toEqual({ base: 'root', level: 0 });
});

it('gives each call its own context', async () => {
  const caller = router().createCaller({ base: 'root' });
  const [a, b] = await Promise.all([caller.echo({ n: 1 }), caller.echo({ n: 2 })]);
  expect(a.ctx).not.toBe(b.ctx);
  expect([a.n, b.n]).toEqual([1, 2]);
});
