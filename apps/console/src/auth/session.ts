/**
 * The signed-in session as the page knows it: who is signed in, until when, and
 * the CSRF token to send with every change. The session token itself is an
 * httpOnly cookie no script can read (see apps/api/src/auth/cookie-session.ts).
 * Kept in localStorage so a reload keeps you signed in, readable outside React
 * (the tRPC link needs the CSRF token) and observable inside it
 * (useSyncExternalStore). A session ends by signing out or by expiring (or the
 * server refusing it); the sign-in page tells the two apart.
 */
type Role = 'admin' | 'staff' | 'seller' | 'buyer';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  warehouseIds: string[];
}

export interface Session {
  csrfToken: string;
  expiresAt: string;
  user: SessionUser;
}

type EndReason = 'signed-out' | 'expired';

export interface SessionState {
  session: Session | null;
  /** Why the last session ended, until the next sign-in. */
  ended: EndReason | null;
}

const STORAGE_KEY = 'stockroom.session';

function isSession(value: unknown): value is Session {
  const v = value as Session | null;
  return (
    typeof v?.csrfToken === 'string' &&
    typeof v.expiresAt === 'string' &&
    typeof v.user?.id === 'string' &&
    typeof v.user.role === 'string' &&
    Array.isArray(v.user.warehouseIds)
  );
}

const isExpired = (session: Session, now = Date.now()): boolean =>
  new Date(session.expiresAt).getTime() <= now;

export interface SessionStore {
  get(): SessionState;
  subscribe(listener: () => void): () => void;
  signIn(session: Session): void;
  end(reason: EndReason): void;
  csrfToken(): string | null;
}

export function createSessionStore(
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
): SessionStore {
  const listeners = new Set<() => void>();
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;

  const read = (): SessionState => {
    try {
      const raw = storage.getItem(STORAGE_KEY);
      const parsed: unknown = raw ? JSON.parse(raw) : null;
      if (!isSession(parsed)) return { session: null, ended: null };
      if (isExpired(parsed)) {
        storage.removeItem(STORAGE_KEY);
        return { session: null, ended: 'expired' };
      }
      return { session: parsed, ended: null };
    } catch {
      return { session: null, ended: null };
    }
  };

  let state = read();

  const emit = () => {
    for (const listener of listeners) listener();
  };

  const armExpiry = () => {
    clearTimeout(expiryTimer);
    if (!state.session) return;
    // setTimeout holds at most ~24.8 days; sessions are far shorter.
    const ms = Math.min(new Date(state.session.expiresAt).getTime() - Date.now(), 2 ** 31 - 1);
    expiryTimer = setTimeout(() => store.end('expired'), Math.max(ms, 0));
  };

  const store: SessionStore = {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signIn(session) {
      storage.setItem(STORAGE_KEY, JSON.stringify(session));
      state = { session, ended: null };
      armExpiry();
      emit();
    },
    end(reason) {
      if (!state.session) return;
      storage.removeItem(STORAGE_KEY);
      state = { session: null, ended: reason };
      armExpiry();
      emit();
    },
    csrfToken: () => state.session?.csrfToken ?? null,
  };
  armExpiry();
  return store;
}
