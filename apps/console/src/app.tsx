import { type ComponentType, lazy, type ReactNode, Suspense } from 'react';
import { Redirect, Route, Switch, useLocation, useSearch } from 'wouter';
import { canSeeSales, isAdmin, isBuyer, isOperator, isSeller } from './auth/permissions';
import type { SessionUser } from './auth/session';
import { useSession, useUser } from './auth/session-context';
import { SignInRoute } from './auth/sign-in-route';
import { AppShell, Brand } from './components/app-shell';
import { EmptyState, Loading } from './components/states';
import { LiveEventsProvider } from './live/live-events';

/** A page loaded on first visit: the initial bundle carries only the shell and sign-in. */
function page<M>(load: () => Promise<M>, name: keyof M) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}

const DashboardPage = page(() => import('./features/dashboard/dashboard-page'), 'DashboardPage');
const SearchPage = page(() => import('./features/products/search-page'), 'SearchPage');
const ProductPage = page(() => import('./features/stock/product-page'), 'ProductPage');
const MovementsPage = page(() => import('./features/movements/movements-page'), 'MovementsPage');
const EventsPage = page(() => import('./features/events/events-page'), 'EventsPage');
const WarehousesPage = page(() => import('./features/warehouses/warehouses-page'), 'WarehousesPage');
const OrdersPage = page(() => import('./features/orders/orders-page'), 'OrdersPage');
const OrderPage = page(() => import('./features/orders/order-page'), 'OrderPage');
const RacePage = page(() => import('./features/race/race-page'), 'RacePage');
const UsersPage = page(() => import('./features/users/users-page'), 'UsersPage');
const ServiceTokensPage = page(
  () => import('./features/service-tokens/service-tokens-page'),
  'ServiceTokensPage',
);
const HoldsPage = page(() => import('./features/holds/holds-page'), 'HoldsPage');
const WaitlistPage = page(() => import('./features/holds/waitlist-page'), 'WaitlistPage');
const MyProductsPage = page(() => import('./features/sellers/my-products-page'), 'MyProductsPage');
const SalesPage = page(() => import('./features/sellers/sales-page'), 'SalesPage');
const MyWaitlistPage = page(() => import('./features/waitlist/my-waitlist-page'), 'MyWaitlistPage');
const PickListPage = page(() => import('./features/pick-list/pick-list-page'), 'PickListPage');
const WebhooksPage = page(() => import('./features/webhooks/webhooks-page'), 'WebhooksPage');

/** Pages only some roles may open; others are told why instead of seeing errors. */
function Only({ when, children }: { when: (user: SessionUser) => boolean; children: ReactNode }) {
  const user = useUser();
  if (when(user)) return children;
  return (
    <EmptyState title="This page is not available to your account">
      Ask an admin if you need access.
    </EmptyState>
  );
}

function Home() {
  const user = useUser();
  if (isOperator(user)) return <DashboardPage />;
  return <Redirect to={isSeller(user) ? '/my-products' : '/products'} replace />;
}

/** Pages only some roles see: the path, who may open it, the page. */
const GUARDED_ROUTES: [path: string, when: (user: SessionUser) => boolean, page: ComponentType][] = [
  ['/my-products', canSeeSales, MyProductsPage],
  ['/sales', canSeeSales, SalesPage],
  ['/orders', isOperator, OrdersPage],
  ['/orders/:id', isOperator, OrderPage],
  ['/pick-list', isOperator, PickListPage],
  ['/holds', isOperator, HoldsPage],
  ['/waitlist', isOperator, WaitlistPage],
  ['/my-waitlist', isBuyer, MyWaitlistPage],
  ['/movements', isOperator, MovementsPage],
  ['/events', isOperator, EventsPage],
  ['/users', isAdmin, UsersPage],
  ['/service-tokens', isAdmin, ServiceTokensPage],
  ['/webhooks', isAdmin, WebhooksPage],
  ['/race', isAdmin, RacePage],
];

function SignedInApp() {
  const user = useUser();
  const content = (
    <AppShell>
      <Suspense fallback={<Loading label="Loading page…" />}>
        <Switch>
          <Route path="/" component={Home} />
          <Route path="/products" component={SearchPage} />
          <Route path="/products/:sku" component={ProductPage} />
          <Route path="/warehouses" component={WarehousesPage} />
          {GUARDED_ROUTES.map(([path, when, Page]) => (
            <Route key={path} path={path}>
              <Only when={when}>
                <Page />
              </Only>
            </Route>
          ))}
          <Route>
            <EmptyState title="There is no page here">Check the address, or pick a page above.</EmptyState>
          </Route>
        </Switch>
      </Suspense>
    </AppShell>
  );
  // Sellers have no event stream (SPEC §5): they see catalogue and stock only.
  return isOperator(user) ? <LiveEventsProvider key={user.id}>{content}</LiveEventsProvider> : content;
}

/** Signed out: go to sign in, remembering the page (with its query) to come back to. */
function ToSignIn() {
  const [location] = useLocation();
  const search = useSearch();
  const here = `${location}${search ? `?${search}` : ''}`;
  const to = here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`;
  return <Redirect to={to} replace />;
}

function SignInLayout() {
  return (
    <div className="app">
      <header className="app-header">
        <Brand />
        <span className="app-header__tagline">Warehouse console</span>
      </header>
      <main className="app-main" id="main">
        <SignInRoute />
      </main>
    </div>
  );
}

export function App() {
  const { session } = useSession();
  return (
    <Switch>
      <Route path="/sign-in" component={SignInLayout} />
      <Route>{session ? <SignedInApp /> : <ToSignIn />}</Route>
    </Switch>
  );
}
