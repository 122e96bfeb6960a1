/** The scenarios: what one unit of work of one client is, over real HTTP (tRPC). */
import type { Counters } from './checks.js';
import type { ScenarioName } from './config.js';
import {
  type BenchData,
  CATALOGUE_PRODUCTS,
  growCatalogue,
  HOT_SKU,
  MILLION_PRODUCTS,
  SEARCH_QUERIES,
  SYNC_ITEMS,
  SYNC_SETS,
  sku,
  UNIFORM_PRODUCTS,
} from './data.js';
import { failed, type Http, OK, type Operation } from './load.js';
import type { BaselineName } from './pgbench.js';

const SERVICE_TOKEN = 'dev-service-token';

interface ScenarioContext {
  http: Http;
  data: BenchData;
  /** Unique per run and cell: the prefix of every Idempotency-Key. */
  keyPrefix: string;
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** What one success is. */
  unit: string;
  /** The pgbench baseline its throughput is compared with. */
  baseline: BaselineName;
  /** Other baselines run alongside (shown in the baselines table). */
  extraBaselines?: BaselineName[];
  /** Items per success (bulk sync), for items/s. */
  itemsPerOp?: number;
  /** Work before the scenario's baselines and cells (e.g. more data); returns its milliseconds. */
  prepare?(databaseUrl: string, log: (line: string) => void): Promise<number>;
  /** Which counter must grow by exactly the number of successes. */
  accounting?: { counter: keyof Counters; what: string };
  operation(ctx: ScenarioContext): Operation;
}

const auth = { authorization: `Bearer ${SERVICE_TOKEN}` };
const randomInt = (n: number) => Math.floor(Math.random() * n);

/** `products.search` over the bench's queries, round robin across clients. */
function searchScenario(name: ScenarioName, title: string, baseline: BaselineName): Scenario {
  return {
    name,
    title,
    unit: 'queries',
    baseline,
    operation({ http }) {
      const queries = SEARCH_QUERIES.map((q) => ({
        path: `/trpc/products.search?input=${encodeURIComponent(JSON.stringify(q))}`,
        tag: q.category ? `${q.query} [${q.category}]` : q.query,
      }));
      return async (client, seq) => {
        const query = queries[(client * 7 + seq) % queries.length] as (typeof queries)[number];
        const reply = await http.request('GET', query.path, {});
        return reply.status === 200 ? { ok: true, tag: query.tag } : failed(reply);
      };
    },
  };
}

export const SCENARIO_DEFS: Record<Exclude<ScenarioName, 'expiry'>, Scenario> = {
  hot: {
    name: 'hot',
    title: 'hot product',
    unit: 'reservations',
    baseline: 'hot-update',
    extraBaselines: ['hot-for-update'],
    accounting: { counter: 'hotReserved', what: 'hot product reserved units' },
    operation({ http, data, keyPrefix }) {
      const body = JSON.stringify({
        lines: [{ sku: HOT_SKU, quantity: 1, warehouseId: data.hotWarehouseId }],
        ttlSeconds: 3600,
      });
      return async (client, seq) => {
        const reply = await http.request(
          'POST',
          '/trpc/reservations.create',
          { ...auth, 'idempotency-key': `${keyPrefix}-${client}-${seq}` },
          body,
        );
        return reply.status === 200 ? OK : failed(reply);
      };
    },
  },
  uniform: {
    name: 'uniform',
    title: `uniform (${UNIFORM_PRODUCTS.toLocaleString('en')} products)`,
    unit: 'reservations',
    baseline: 'uniform-for-update',
    accounting: { counter: 'uniformReserved', what: 'uniform products reserved units' },
    operation({ http, data, keyPrefix }) {
      return async (client, seq) => {
        const body = JSON.stringify({
          lines: [
            { sku: sku(1 + randomInt(UNIFORM_PRODUCTS)), quantity: 1, warehouseId: data.hotWarehouseId },
          ],
          ttlSeconds: 3600,
        });
        const reply = await http.request(
          'POST',
          '/trpc/reservations.create',
          { ...auth, 'idempotency-key': `${keyPrefix}-${client}-${seq}` },
          body,
        );
        return reply.status === 200 ? OK : failed(reply);
      };
    },
  },
  checkout: {
    name: 'checkout',
    title: 'checkout flow',
    unit: 'orders paid (start → paymentSucceeded)',
    baseline: 'uniform-for-update',
    accounting: { counter: 'paidOrders', what: 'paid orders' },
    operation({ http, data, keyPrefix }) {
      return async (client, seq) => {
        const key = `${keyPrefix}-${client}-${seq}`;
        const start = await http.request(
          'POST',
          '/trpc/checkout.start',
          { ...auth, 'idempotency-key': `${key}-start` },
          JSON.stringify({
            lines: [{ sku: sku(1 + randomInt(UNIFORM_PRODUCTS)), quantity: 1 }],
            shipTo: { ...data.shipTo, address: '350 5th Ave, New York, NY' },
          }),
        );
        if (start.status !== 200) return failed(start, 'start: ');
        const order = (JSON.parse(start.text) as { result: { data: { id: string } } }).result.data;
        const pay = await http.request(
          'POST',
          '/trpc/checkout.paymentSucceeded',
          { ...auth, 'idempotency-key': `${key}-pay` },
          JSON.stringify({ orderId: order.id, paymentReference: `bench-pay-${key}` }),
        );
        if (pay.status !== 200) return failed(pay, 'pay: ');
        const status = (JSON.parse(pay.text) as { result: { data: { status: string } } }).result.data.status;
        return status === 'paid'
          ? OK
          : { ok: false, error: `pay: status ${status}`, body: pay.text.slice(0, 400) };
      };
    },
  },
  search: searchScenario(
    'search',
    `search (${CATALOGUE_PRODUCTS.toLocaleString('en')} products)`,
    'search-sql',
  ),
  sync: {
    name: 'sync',
    title: `bulk sync (${SYNC_ITEMS.toLocaleString('en')} items)`,
    unit: 'syncs',
    baseline: 'bulk-1000',
    itemsPerOp: SYNC_ITEMS,
    operation({ http, data, keyPrefix }) {
      // Each client counts one store's set of levels; every request sends new counts (real changes).
      const heads = Array.from({ length: SYNC_SETS }, (_, set) =>
        Array.from(
          { length: SYNC_ITEMS },
          (_, i) =>
            `{"warehouseId":"${data.syncWarehouseId}","sku":"${sku(set * SYNC_ITEMS + i + 1)}","onHand":`,
        ),
      );
      let counter = 0;
      return async (client, seq) => {
        const round = ++counter;
        const items = heads[client % SYNC_SETS] as string[];
        const body = `{"items":[${items.map((head, i) => `${head}${1000 + round + (i % 13)}}`).join(',')}]}`;
        const reply = await http.request(
          'POST',
          '/trpc/inventory.sync',
          { ...auth, 'idempotency-key': `${keyPrefix}-${client}-${seq}` },
          body,
        );
        return reply.status === 200 ? OK : failed(reply);
      };
    },
  },
  'search-1m': {
    ...searchScenario(
      'search-1m',
      `search (${MILLION_PRODUCTS.toLocaleString('en')} products)`,
      'search-sql-1m',
    ),
    prepare: growCatalogue,
  },
};
