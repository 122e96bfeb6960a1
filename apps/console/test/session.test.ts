import { afterEach, describe, expect, it, vi } from 'vitest';
import { canManageStock, canOperateOrder, isBuyer, isOperator, safeNext } from '../src/auth/permissions';
import { createSessionStore, type Session } from '../src/auth/session';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    removeItem: (key: string) => void data.delete(key),
  };
}

const session = (expiresInMs: number, role: Session['user']['role'] = 'staff'): Session => ({
  csrfToken: 'csrf',
  expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  user: { id: 'u1', email: 's@example.com', name: 'Sam', role, warehouseIds: ['w1'] },
});

afterEach(() => vi.useRealTimers());

describe('session store', () => {
  it('keeps the session across a reload', () => {
    const storage = memoryStorage();
    createSessionStore(storage).signIn(session(60_000));
    const reloaded = createSessionStore(storage);
    expect(reloaded.get().session?.user.name).toBe('Sam');
    expect(reloaded.csrfToken()).toBe('csrf');
  });

  it('drops a stored session that has expired, and says so', () => {
    const storage = memoryStorage({ 'stockroom.session': JSON.stringify(session(-1_000)) });
    const store = createSessionStore(storage);
    expect(store.get()).toEqual({ session: null, ended: 'expired' });
    expect(storage.data.size).toBe(0);
  });

  it('ignores garbage in storage', () => {
    expect(createSessionStore(memoryStorage({ 'stockroom.session': '{nope' })).get().session).toBeNull();
    expect(
      createSessionStore(memoryStorage({ 'stockroom.session': '{"token":1}' })).get().session,
    ).toBeNull();
  });

  it('ends the session when it expires, and tells listeners', () => {
    vi.useFakeTimers();
    const store = createSessionStore(memoryStorage());
    const seen: (string | null)[] = [];
    store.subscribe(() => seen.push(store.get().ended));
    store.signIn(session(5_000));
    vi.advanceTimersByTime(4_999);
    expect(store.get().session).not.toBeNull();
    vi.advanceTimersByTime(2);
    expect(store.get()).toEqual({ session: null, ended: 'expired' });
    expect(seen).toEqual([null, 'expired']);
  });

  it('tells signing out from expiry', () => {
    const store = createSessionStore(memoryStorage());
    store.signIn(session(60_000));
    store.end('signed-out');
    expect(store.get().ended).toBe('signed-out');
    store.end('expired'); // nothing left to end
    expect(store.get().ended).toBe('signed-out');
  });
});

describe('permissions', () => {
  const staff = session(1).user;
  const admin = { ...staff, role: 'admin' as const, warehouseIds: [] };
  const seller = { ...staff, role: 'seller' as const };

  it('lets staff change stock only in their warehouses', () => {
    expect(canManageStock(staff, 'w1')).toBe(true);
    expect(canManageStock(staff, 'w2')).toBe(false);
    expect(canManageStock(admin, 'w2')).toBe(true);
    expect(canManageStock(seller, 'w1')).toBe(false);
  });

  it('lets staff operate orders that touch one of their warehouses', () => {
    expect(canOperateOrder(staff, ['w2', 'w1'])).toBe(true);
    expect(canOperateOrder(staff, ['w2'])).toBe(false);
    expect(canOperateOrder(admin, ['w9'])).toBe(true);
  });

  it('gives buyers their waitlist and nothing of the operators', () => {
    const buyer = { ...staff, role: 'buyer' as const, warehouseIds: [] };
    expect(isBuyer(buyer)).toBe(true);
    expect(isOperator(buyer)).toBe(false);
    expect(isBuyer(admin)).toBe(false);
  });

  it('only follows `next` to paths of this site', () => {
    expect(safeNext('/orders?status=paid')).toBe('/orders?status=paid');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/sign-in?next=/x')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
