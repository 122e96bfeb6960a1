import { auditRouter, demoRouter } from './routers/admin.js';
import { authRouter } from './routers/auth.js';
import { dashboardRouter } from './routers/dashboard.js';
import { eventsRouter } from './routers/events.js';
import { healthProcedure } from './routers/health.js';
import { inventoryRouter } from './routers/inventory.js';
import { cartRouter, checkoutRouter, ordersRouter, waitlistRouter } from './routers/orders.js';
import { productsRouter } from './routers/products.js';
import { reservationsRouter } from './routers/reservations.js';
import { serviceTokensRouter } from './routers/service-tokens.js';
import { usersRouter } from './routers/users.js';
import { warehousesRouter } from './routers/warehouses.js';
import { webhooksRouter } from './routers/webhooks.js';
import { router } from './trpc.js';

export const appRouter = router({
  health: healthProcedure,
  auth: authRouter,
  users: usersRouter,
  serviceTokens: serviceTokensRouter,
  warehouses: warehousesRouter,
  products: productsRouter,
  inventory: inventoryRouter,
  reservations: reservationsRouter,
  cart: cartRouter,
  checkout: checkoutRouter,
  orders: ordersRouter,
  waitlist: waitlistRouter,
  events: eventsRouter,
  audit: auditRouter,
  dashboard: dashboardRouter,
  demo: demoRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
