/**
 * Dates and numbers on the service-token page, in the browser's own locale and
 * time zone (Intl with no locale given).
 */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const count = new Intl.NumberFormat(undefined);

export const formatTokenDate = (iso: string): string => dateTime.format(new Date(iso));

export const formatCount = (value: number): string => count.format(value);

/** "1 hour", "24 hours", "7 days" as the browser's locale says them. */
export function formatDuration(amount: number, unit: 'hour' | 'day'): string {
  return new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'long' }).format(amount);
}
