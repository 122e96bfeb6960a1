/** Orders: the cart, checkout with a timed hold, payments, direct orders and fulfilment (SPEC §4). */
export {
  clearCart,
  getCart,
  setCartItem,
  ZSetCartItemInput,
} from './cart.js';
export { createPaidOrder, startCheckout } from './checkout.js';
export { cancelOrder, shipOrder, updateOrderStatus } from './fulfilment.js';
export { expireOrdersOfReservations, paymentFailed, paymentSucceeded } from './payments.js';
export { pickList, ZPickList, ZPickListInput } from './pick-list.js';
export { MAX_MONEY_MINOR, priceLines } from './pricing.js';
export { getOrder, listOrders } from './queries.js';
export { type SalesReport, salesReport, ZSalesInput } from './sales.js';
export {
  ORDER_STATUSES,
  type Order,
  type OrderOptions,
  ZCancelInput,
  ZCheckoutInput,
  ZDirectOrderInput,
  ZOrderIdInput,
  ZOrdersListInput,
  ZPaymentFailedInput,
  ZPaymentSucceededInput,
  ZShipInput,
  ZUpdateStatusInput,
} from './schemas.js';
