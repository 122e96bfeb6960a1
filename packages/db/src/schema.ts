import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string, defaulted by the database. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint columns are parsed to number by the pool (see connection.ts); values stay below 2^53. */
type BigIntColumn = ColumnType<number, number | bigint, number | bigint>;

export type Role = 'admin' | 'staff' | 'seller' | 'buyer';
export type MovementKind =
  | 'receive'
  | 'adjust'
  | 'set'
  | 'sync'
  | 'reserve'
  | 'release'
  | 'expire'
  | 'confirm'
  | 'ship'
  | 'return';
export type ReservationStatus = 'pending' | 'confirmed' | 'released' | 'expired';

export interface WarehousesTable {
  id: Generated<string>;
  code: string;
  name: string;
  address: string | null;
  latitude: number;
  longitude: number;
  capacity: number | null;
  timezone: Generated<string>;
  priority: Generated<number>;
  active: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  active: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface UserWarehousesTable {
  userId: string;
  warehouseId: string;
}

export type ServiceScope = 'stock:read' | 'stock:write' | 'reservations' | 'orders' | 'payments';

export interface ServiceTokensTable {
  id: Generated<string>;
  name: string;
  /** sha256 (hex) of the token; the token itself is never stored. */
  tokenHash: string;
  /** The token's first characters, for people to tell tokens apart (`sr_live_AbCd`). */
  prefix: Generated<string>;
  scopes: ColumnType<ServiceScope[], ServiceScope[] | undefined, ServiceScope[]>;
  /** null = every warehouse. */
  warehouseIds: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  expiresAt: NullableTimestamp;
  lastUsedAt: NullableTimestamp;
  /** Actor label of whoever made it (`user:<id>`, `system:cli`). */
  createdBy: string | null;
  /** The hash a rotation replaced: still accepted until previousValidUntil. */
  previousTokenHash: string | null;
  previousValidUntil: NullableTimestamp;
  rotatedAt: NullableTimestamp;
  createdAt: Timestamp;
  revokedAt: NullableTimestamp;
}

/** A signed-in user's session: its token names the row, signing out revokes it. */
export interface SessionsTable {
  id: Generated<string>;
  userId: string;
  createdAt: Timestamp;
  expiresAt: Date | string;
  revokedAt: NullableTimestamp;
  ip: string | null;
  userAgent: string | null;
}

export interface ProductsTable {
  id: Generated<string>;
  sku: string;
  name: string;
  description: Generated<string>;
  category: string;
  priceMinor: BigIntColumn;
  currency: string;
  sellerId: string | null;
  active: Generated<boolean>;
  search: GeneratedAlways<string>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface StockLevelsTable {
  warehouseId: string;
  productId: string;
  onHand: Generated<number>;
  reserved: Generated<number>;
  available: GeneratedAlways<number>;
  safetyStock: Generated<number>;
  version: ColumnType<number, number | undefined, number | bigint>;
  updatedAt: Timestamp;
  /** The bin it sits in (`A-03-2`), for pick lists; null when not recorded. */
  location: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface StockMovementsTable {
  id: GeneratedAlways<number>;
  warehouseId: string;
  productId: string;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  reason: string | null;
  reference: string | null;
  actor: string;
  createdAt: Timestamp;
}

export interface ReservationsTable {
  id: Generated<string>;
  status: Generated<ReservationStatus>;
  expiresAt: ColumnType<Date, Date | string, Date | string>;
  holdLimitAt: ColumnType<Date, Date | string, Date | string>;
  reference: string | null;
  createdBy: string;
  ownerUserId: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  endedAt: NullableTimestamp;
}

export interface ReservationLinesTable {
  reservationId: string;
  warehouseId: string;
  productId: string;
  quantity: number;
}

export interface IdempotencyRecordsTable {
  principal: string;
  procedure: string;
  key: string;
  requestHash: string;
  response: ColumnType<unknown, string | null | undefined, string | null>;
  createdAt: Timestamp;
  expiresAt: ColumnType<Date, Date | string, Date | string>;
}

export interface EventsTable {
  id: GeneratedAlways<number>;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  /** xid8 of the writing transaction, as a decimal string. */
  txid: GeneratedAlways<string>;
  createdAt: Timestamp;
}

export type OrderStatus =
  | 'pending_payment'
  | 'paid'
  | 'needs_attention'
  | 'picking'
  | 'shipped'
  | 'delivered'
  | 'cancelled'
  | 'expired';

export interface CartItemsTable {
  buyerId: string;
  productId: string;
  quantity: number;
  addedAt: Timestamp;
  updatedAt: Timestamp;
}

export interface OrdersTable {
  id: Generated<string>;
  number: GeneratedAlways<number>;
  status: OrderStatus;
  buyerId: string | null;
  customerName: string | null;
  customerEmail: string | null;
  shipToLatitude: number;
  shipToLongitude: number;
  shipToAddress: string | null;
  currency: string;
  subtotalMinor: BigIntColumn;
  taxMinor: BigIntColumn;
  totalMinor: BigIntColumn;
  reservationId: string | null;
  expiresAt: NullableTimestamp;
  version: Generated<number>;
  shortages: ColumnType<unknown, string | null | undefined, string | null>;
  paymentReference: string | null;
  lastPaymentError: string | null;
  cancelReason: string | null;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface OrderItemsTable {
  orderId: string;
  productId: string;
  warehouseId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: BigIntColumn;
}

export interface ShipmentsTable {
  id: Generated<string>;
  orderId: string;
  warehouseId: string;
  carrier: string;
  trackingNumber: string;
  status: Generated<'shipped' | 'delivered'>;
  createdBy: string;
  shippedAt: Timestamp;
  deliveredAt: NullableTimestamp;
}

export interface WaitlistEntriesTable {
  id: Generated<string>;
  buyerId: string;
  productId: string;
  warehouseId: string | null;
  quantity: number;
  status: Generated<'waiting' | 'offered' | 'cancelled'>;
  reservationId: string | null;
  createdAt: Timestamp;
  offeredAt: NullableTimestamp;
}

export interface RateLimitsTable {
  key: string;
  points: number;
  expire: number | null;
}

export type WebhookDeliveryStatus = 'pending' | 'failed' | 'succeeded' | 'dead';

export interface WebhooksTable {
  id: Generated<string>;
  url: string;
  events: string[];
  description: string | null;
  secretCiphertext: string;
  /** The secret a rotation replaced, still signed with until previousSecretExpiresAt. */
  previousSecretCiphertext: string | null;
  previousSecretExpiresAt: NullableTimestamp;
  secretRotatedAt: NullableTimestamp;
  active: Generated<boolean>;
  disabledReason: string | null;
  disabledAt: NullableTimestamp;
  consecutiveFailures: Generated<number>;
  failingSince: NullableTimestamp;
  lastSuccessAt: NullableTimestamp;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  seq: GeneratedAlways<number>;
  webhookId: string;
  eventId: BigIntColumn;
  eventPosition: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  nextAttemptAt: Timestamp;
  lastAttemptAt: NullableTimestamp;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  lastResponse: string | null;
  lastError: string | null;
  redeliveryOf: string | null;
  createdAt: Timestamp;
  deliveredAt: NullableTimestamp;
}

export interface WebhookDispatchCursorTable {
  id: number;
  position: string | null;
  updatedAt: Timestamp;
}

/** The whole database, in camelCase (Kysely's CamelCasePlugin maps to snake_case). */
export interface Database {
  warehouses: WarehousesTable;
  users: UsersTable;
  userWarehouses: UserWarehousesTable;
  serviceTokens: ServiceTokensTable;
  sessions: SessionsTable;
  products: ProductsTable;
  stockLevels: StockLevelsTable;
  stockMovements: StockMovementsTable;
  reservations: ReservationsTable;
  reservationLines: ReservationLinesTable;
  idempotencyRecords: IdempotencyRecordsTable;
  events: EventsTable;
  rateLimits: RateLimitsTable;
  cartItems: CartItemsTable;
  orders: OrdersTable;
  orderItems: OrderItemsTable;
  shipments: ShipmentsTable;
  waitlistEntries: WaitlistEntriesTable;
  webhooks: WebhooksTable;
  webhookDeliveries: WebhookDeliveriesTable;
  webhookDispatchCursor: WebhookDispatchCursorTable;
}

export type Warehouse = Selectable<WarehousesTable>;
export type NewWarehouse = Insertable<WarehousesTable>;
export type WarehouseUpdate = Updateable<WarehousesTable>;
export type User = Selectable<UsersTable>;
export type Product = Selectable<ProductsTable>;
export type StockLevelRow = Selectable<StockLevelsTable>;
export type StockMovementRow = Selectable<StockMovementsTable>;
export type ReservationRow = Selectable<ReservationsTable>;
export type ReservationLineRow = Selectable<ReservationLinesTable>;
export type EventRow = Selectable<EventsTable>;
