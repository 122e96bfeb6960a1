/** The waitlist: buyers waiting for a product, and freed stock offered to the oldest of them. */
export { leaveWaitlist, ZWaitlistLeaveInput } from './leave.js';
export {
  joinWaitlist,
  listWaitlist,
  offerFreedStock,
  type WaitlistEntry,
  ZWaitlistJoinInput,
  ZWaitlistListInput,
} from './waitlist.js';
