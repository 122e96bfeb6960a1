/**
 * @stockroom/core's public surface: what the apps use, nothing more. Each
 * domain folder's index.ts is its surface inside core; this file picks from
 * them. Row-lock helpers and other building blocks stay inside (see
 * .dependency-cruiser.cjs for the floors).
 */
export { verifyLedger } from './audit/index.js';
export {
  authenticate,
  authenticateServiceToken,
  createServiceToken,
  createUser,
  disableUser,
  ensureFirstAdmin,
  findDemoCredentials,
  getUser,
  listServiceTokens,
  listUsers,
  openSession,
  pruneSessions,
  refuseDemoCredentials,
  registerBuyer,
  resetPassword,
  revokeServiceToken,
  revokeSession,
  rotateServiceToken,
  SERVICE_SCOPES,
  SYSTEM_CLI,
  sessionActor,
  updateUser,
  ZCreateServiceTokenInput,
  ZCreateUserInput,
  ZListServiceTokensInput,
  ZLoginInput,
  ZRegisterInput,
  ZRotateServiceTokenInput,
  ZServiceTokenIdInput,
  ZUpdateUserInput,
} from './auth/index.js';
export {
  archiveProduct,
  createProduct,
  createWarehouse,
  getProduct,
  listWarehouses,
  MAX_PRICE_MINOR,
  resolveWarehouseRefs,
  searchProducts,
  updateProduct,
  updateWarehouse,
  ZProductInput,
  ZProductSkuInput,
  ZProductUpdateInput,
  ZSearchProductsInput,
  ZWarehouseInput,
  ZWarehouseUpdateInput,
} from './catalog/index.js';
export {
  latestPosition,
  listEvents,
  parsePosition,
  readEventsAfter,
  type StockroomEvent,
  ZEventsListInput,
  ZEventTypes,
} from './events/index.js';
export { configureBuyerLimits, type ReserveOptions } from './holds/index.js';
export {
  adjustStock,
  getStockLevel,
  listMovements,
  listStockLevels,
  receiveStock,
  setStock,
  syncStock,
  ZAdjustInput,
  ZInventoryListInput,
  ZMovementsInput,
  ZReceiveInput,
  ZSetInput,
  ZStockKey,
  ZSyncInput,
} from './inventory/index.js';
export {
  cancelOrder,
  clearCart,
  createPaidOrder,
  getCart,
  getOrder,
  listOrders,
  MAX_MONEY_MINOR,
  ORDER_STATUSES,
  type OrderOptions,
  paymentFailed,
  paymentSucceeded,
  setCartItem,
  shipOrder,
  startCheckout,
  updateOrderStatus,
  ZCancelInput,
  ZCheckoutInput,
  ZDirectOrderInput,
  ZOrderIdInput,
  ZOrdersListInput,
  ZPaymentFailedInput,
  ZPaymentSucceededInput,
  ZSetCartItemInput,
  ZShipInput,
  ZUpdateStatusInput,
} from './orders/index.js';
export {
  confirmReservation,
  extendReservation,
  getReservation,
  ReservationCoalescer,
  releaseReservation,
  runRace,
  type Sweeper,
  startSweeper,
  ZExtendInput,
  ZRaceInput,
  ZReservationId,
  ZReserveInput,
} from './reservations/index.js';
export { type Actor, actorLabel } from './shared/actor.js';
export type { MutationContext } from './shared/context.js';
export { type AppCode, DomainError, isDomainError } from './shared/errors.js';
export { joinWaitlist, listWaitlist, ZWaitlistJoinInput, ZWaitlistListInput } from './waitlist/index.js';
export * from './webhooks/index.js';
