import { type ReactNode, useEffect, useRef } from 'react';
import { Link, useLocation } from 'wouter';
import { canSeeSales, isAdmin, isBuyer, isOperator, isSeller } from '../auth/permissions';
import type { SessionUser } from '../auth/session';
import { endSession } from '../auth/session-api';
import { useSessionStore, useUser } from '../auth/session-context';
import { type LiveStatus, useLive } from '../live/live-events';

interface NavItem {
  href: string;
  label: string;
  show: (user: SessionUser) => boolean;
}

const NAV: NavItem[] = [
  { href: '/', label: 'Dashboard', show: isOperator },
  { href: '/products', label: 'Products', show: () => true },
  { href: '/my-products', label: 'My products', show: isSeller },
  { href: '/sales', label: 'Sales', show: canSeeSales },
  { href: '/orders', label: 'Orders', show: isOperator },
  { href: '/pick-list', label: 'Pick list', show: isOperator },
  { href: '/holds', label: 'Holds', show: isOperator },
  { href: '/waitlist', label: 'Waitlist', show: isOperator },
  { href: '/my-waitlist', label: 'My waitlist', show: isBuyer },
  { href: '/movements', label: 'Movements', show: isOperator },
  { href: '/events', label: 'Event log', show: isOperator },
  { href: '/warehouses', label: 'Warehouses', show: () => true },
  { href: '/users', label: 'Users', show: isAdmin },
  { href: '/service-tokens', label: 'Service tokens', show: isAdmin },
  { href: '/webhooks', label: 'Webhooks', show: isAdmin },
  { href: '/race', label: 'Race demo', show: isAdmin },
];

const isCurrent = (href: string, location: string) =>
  href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);

export function Brand() {
  return (
    <Link className="brand" href="/">
      <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
        <path d="M8 12.5 16 8l8 4.5v9L16 26l-8-4.5zM8 12.5 16 17l8-4.5M16 17v9" />
      </svg>
      <span className="brand__name">Stockroom</span>
    </Link>
  );
}

const LIVE_TEXT: Record<LiveStatus, string> = {
  off: '',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

function LiveIndicator() {
  const { status } = useLive();
  if (status === 'off') return null;
  return (
    <span className={`live live--${status}`} title="Live updates from the event stream">
      <span className="live__dot" aria-hidden="true" />
      <span className="live__text">{LIVE_TEXT[status]}</span>
    </span>
  );
}

function UserMenu() {
  const user = useUser();
  const store = useSessionStore();
  const [, navigate] = useLocation();
  async function signOut() {
    await endSession(store.csrfToken());
    navigate('/sign-in', { replace: true });
    store.end('signed-out');
  }
  return (
    <div className="user-menu">
      <span className="user-menu__who">
        <span className="user-menu__name">{user.name}</span>
        <span className="badge">{user.role}</span>
      </span>
      <button type="button" className="button button--small" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}

/** Move focus to the page on navigation, so keyboard and screen-reader users start at the top. */
function useFocusOnNavigate() {
  const [location] = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (location && !main.current?.contains(document.activeElement))
      main.current?.focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }, [location]);
  return main;
}

export function AppShell({ children }: { children: ReactNode }) {
  const user = useUser();
  const [location] = useLocation();
  const main = useFocusOnNavigate();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Brand />
        <nav className="app-nav" aria-label="Main">
          {NAV.filter((item) => item.show(user)).map((item) => {
            const current = isCurrent(item.href, location);
            return (
              <Link
                key={item.href}
                href={item.href}
                className={`app-nav__link${current ? ' app-nav__link--current' : ''}`}
                aria-current={current ? 'page' : undefined}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="app-header__end">
          <LiveIndicator />
          <UserMenu />
        </div>
      </header>
      <main className="app-main" id="main" tabIndex={-1} ref={main}>
        {children}
      </main>
    </div>
  );
}
