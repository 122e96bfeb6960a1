/** The waitlist: buyers waiting for a product, and freed stock offered to the oldest of them. */
export {
  joinWaitlist,
  listWaitlist,
  offerFreedStock,
  ZWaitlistJoinInput,
  ZWaitlistListInput,
} from './waitlist.js';
