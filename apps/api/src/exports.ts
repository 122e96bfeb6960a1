/**
 * CSV exports for spreadsheets and the console's "Export CSV" buttons:
 *
 *   GET /api/v1/exports/stock.csv       filters of inventory.list (warehouseId or code, query, lowStock, sort)
 *   GET /api/v1/exports/movements.csv   filters of inventory.movements (warehouseId, sku)
 *   GET /api/v1/exports/orders.csv      filters of orders.list (status, warehouseId)
 *   GET /api/v1/exports/pick-list.csv   orders.pickList (warehouseId)
 *
 * Every page of what the filters select, streamed as it is read (never built
 * from the rows a browser has on screen). Each page is read through the
 * procedure itself (a tRPC caller with the request's context), so who may
 * export what, the filters' validation, warehouse codes and the rate limit are
 * exactly those of the procedure. A refusal before the first row is the REST
 * error body; a failure after rows were sent aborts the response, so a client
 * never mistakes a cut-off file for a whole one.
 *
 * Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) are
 * prefixed with `'` (CSV injection).
 */
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequestContext } from './context.js';
import { ERROR_TABLE, MappedError, restErrorBody, toAppError } from './errors.js';
import { appRouter } from './router.js';
import type { Services } from './services.js';

type Caller = ReturnType<typeof appRouter.createCaller>;
type Query = Record<string, string>;
type Row = Record<string, string | number | null>;
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const PAGE = 100;

/** An export: its columns, and how to read one page of rows through the procedure. */
interface Export {
  /** The query parameters it takes: any other is refused (a misspelt filter must not export everything). */
  params: string[];
  columns: string[];
  page(
    caller: Caller,
    query: Query,
    cursor: string | undefined,
    codes: Map<string, string>,
  ): Promise<Page<Row>>;
}

const badQuery = (message: string, field: string) =>
  new MappedError({ appCode: 'VALIDATION_FAILED', message, details: { field } });

function bool(value: string | undefined, field: string): boolean | undefined {
  if (value === undefined || value === 'true' || value === 'false')
    return value === undefined ? undefined : value === 'true';
  throw badQuery(`${field} must be true or false`, field);
}

/** Each parameter once and known to the export; VALIDATION_FAILED otherwise. */
function checkQuery(spec: Export, query: Record<string, unknown>): Query {
  for (const [key, value] of Object.entries(query)) {
    if (!spec.params.includes(key)) {
      throw badQuery(`${key} is not a filter of this export (it takes ${spec.params.join(', ')})`, key);
    }
    if (typeof value !== 'string') throw badQuery(`${key}: give it once`, key);
  }
  return query as Query;
}

const EXPORTS: Record<string, Export> = {
  'pick-list': {
    params: ['warehouseId'],
    columns: ['location', 'sku', 'name', 'quantity', 'orders'],
    async page(caller, q) {
      const list = await caller.orders.pickList({ warehouseId: q.warehouseId as string });
      return {
        nextCursor: null,
        items: list.stops.map((stop) => ({
          location: stop.location,
          sku: stop.sku,
          name: stop.name,
          quantity: stop.quantity,
          orders: stop.orders.map((o) => `#${o.number}×${o.quantity}`).join(' '),
        })),
      };
    },
  },
  stock: {
    params: ['warehouseId', 'query', 'lowStock', 'sort'],
    columns: [
      'warehouse_code',
      'sku',
      'on_hand',
      'reserved',
      'available',
      'safety_stock',
      'version',
      'updated_at',
    ],
    async page(caller, q, cursor, codes) {
      const page = await caller.inventory.list({
        warehouseId: q.warehouseId,
        query: q.query,
        lowStock: bool(q.lowStock, 'lowStock'),
        sort: q.sort as 'sku' | undefined,
        cursor,
        limit: PAGE,
      });
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((l) => ({
          warehouse_code: codes.get(l.warehouseId) ?? l.warehouseId,
          sku: l.sku,
          on_hand: l.onHand,
          reserved: l.reserved,
          available: l.available,
          safety_stock: l.safetyStock,
          version: l.version,
          updated_at: l.updatedAt,
        })),
      };
    },
  },
  movements: {
    params: ['warehouseId', 'sku'],
    columns: [
      'id',
      'created_at',
      'warehouse_code',
      'sku',
      'kind',
      'on_hand_delta',
      'reserved_delta',
      'reason',
      'reference',
      'actor',
    ],
    async page(caller, q, cursor, codes) {
      const page = await caller.inventory.movements({
        warehouseId: q.warehouseId,
        sku: q.sku,
        cursor,
        limit: PAGE,
      });
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((m) => ({
          id: m.id,
          created_at: m.createdAt,
          warehouse_code: codes.get(m.warehouseId) ?? m.warehouseId,
          sku: m.sku,
          kind: m.kind,
          on_hand_delta: m.onHandDelta,
          reserved_delta: m.reservedDelta,
          reason: m.reason,
          reference: m.reference,
          actor: m.actor,
        })),
      };
    },
  },
  orders: {
    params: ['status', 'warehouseId'],
    columns: [
      'number',
      'id',
      'status',
      'created_at',
      'customer_name',
      'customer_email',
      'currency',
      'subtotal_minor',
      'tax_minor',
      'total_minor',
      'lines',
      'units',
      'warehouses',
      'payment_reference',
    ],
    async page(caller, q, cursor, codes) {
      const page = await caller.orders.list({
        status: q.status as 'paid' | undefined,
        warehouseId: q.warehouseId,
        cursor,
        limit: PAGE,
      });
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((o) => ({
          number: o.number,
          id: o.id,
          status: o.status,
          created_at: o.createdAt,
          customer_name: o.customer.name,
          customer_email: o.customer.email,
          currency: o.currency,
          subtotal_minor: o.subtotalMinor,
          tax_minor: o.taxMinor,
          total_minor: o.totalMinor,
          lines: o.items.length,
          units: o.items.reduce((sum, i) => sum + i.quantity, 0),
          warehouses: [...new Set(o.items.map((i) => codes.get(i.warehouseId) ?? i.warehouseId))].join(' '),
          payment_reference: o.paymentReference,
        })),
      };
    },
  },
};

/** A text cell a spreadsheet would evaluate as a formula is made literal. */
const FORMULA = /^[=+\-@\t\r]/;
const literal = (value: string) => (FORMULA.test(value) ? `'${value}` : value);

/** A refusal before the first row: the REST error body, as every REST route answers. */
function refuse(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const info = toAppError(error);
  if (info.appCode === 'INTERNAL') request.log.error({ err: error }, 'export failed');
  if (info.retryAfter !== undefined) reply.header('retry-after', String(info.retryAfter));
  return reply
    .code(ERROR_TABLE[info.appCode].http)
    .send(restErrorBody(info.appCode, info.message, { details: info.details, requestId: request.id }));
}

/** Every page, one after the other, as rows. */
async function* rows(
  spec: Export,
  caller: Caller,
  query: Query,
  first: Page<Row>,
  codes: Map<string, string>,
) {
  let page = first;
  for (;;) {
    yield* page.items;
    if (!page.nextCursor) return;
    page = await spec.page(caller, query, page.nextCursor, codes);
  }
}

async function sendExport(services: Services, name: string, request: FastifyRequest, reply: FastifyReply) {
  const spec = EXPORTS[name] as Export;
  let query: Query;
  let first: Page<Row>;
  let caller: Caller;
  let codes: Map<string, string>;
  try {
    query = checkQuery(spec, (request.query ?? {}) as Record<string, unknown>);
    caller = appRouter.createCaller(await createRequestContext(services, request));
    codes = new Map((await caller.warehouses.list()).map((w) => [w.id, w.code]));
    first = await spec.page(caller, query, undefined, codes);
  } catch (error) {
    return refuse(error, request, reply);
  }
  const day = new Date().toISOString().slice(0, 10);
  reply.raw.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="stockroom-${name}-${day}.csv"`,
    'cache-control': 'no-store',
  });
  const csv = stringify({
    header: true,
    columns: spec.columns,
    cast: { string: literal, date: (d) => d.toISOString() },
  });
  reply.hijack();
  try {
    await pipeline(
      async function* () {
        yield* rows(spec, caller, query, first, codes);
      },
      csv,
      reply.raw,
    );
  } catch (error) {
    request.log.warn({ err: error }, `export ${name} stopped`);
    reply.raw.destroy();
  }
}

export function registerExports(app: FastifyInstance, services: Services): void {
  for (const name of Object.keys(EXPORTS)) {
    app.get(`/api/v1/exports/${name}.csv`, (request, reply) => sendExport(services, name, request, reply));
  }
}
