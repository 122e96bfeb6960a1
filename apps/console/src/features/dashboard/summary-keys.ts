/** Query keys of the figures the console adds up from several API pages (live events refresh them). */
export const SUMMARY_KEYS = {
  stock: ['summary', 'stock'] as const,
  orders: ['summary', 'orders'] as const,
};
