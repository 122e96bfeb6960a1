import { describe, expect, it } from 'vitest';
import {
  createBoundedRunner,
  hashPassword,
  PasswordHashBusyError,
  passwordHashStats,
  verifyPassword,
} from '../src/secrets.js';

/** A job that finishes only when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('bounded password hashing', () => {
  it('runs at most `concurrency` jobs, queues at most `queue`, refuses the rest at once', async () => {
    const runner = createBoundedRunner({ concurrency: 2, queue: 3 });
    const gates = Array.from({ length: 8 }, gate);
    const results = gates.map((g, i) =>
      runner.run(async () => {
        await g.opened;
        return i;
      }),
    );
    const settled = Promise.allSettled(results);
    // Let p-limit start what it may.
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.stats()).toMatchObject({ active: 2, waiting: 3, refused: 3 });
    for (const g of gates) g.open();
    const outcome = await settled;
    expect(outcome.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([0, 1, 2, 3, 4]);
    const refused = outcome.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r.reason).toBeInstanceOf(PasswordHashBusyError);
    expect(runner.stats()).toMatchObject({ active: 0, waiting: 0, maxActive: 2, started: 5, refused: 3 });
    // Once drained, it accepts work again.
    await expect(runner.run(async () => 'again')).resolves.toBe('again');
  });

  it('hashes and verifies through the bound', async () => {
    const before = passwordHashStats().started;
    const stored = await hashPassword('a long enough password');
    expect(await verifyPassword(stored, 'a long enough password')).toBe(true);
    expect(await verifyPassword(stored, 'another long password')).toBe(false);
    expect(await verifyPassword('not a hash', 'whatever')).toBe(false);
    expect(passwordHashStats().started - before).toBe(4);
  });
});
