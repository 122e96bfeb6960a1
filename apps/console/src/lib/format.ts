/**
 * Formatting for people: numbers, money in minor units, dates and durations, in the
 * browser's locale (`navigator.languages`, else Intl's default). Every function takes an
 * optional `locale` last, for tests and for callers that must pin one.
 */

export type Locale = string | readonly string[] | undefined;

/** The reader's preferred locales, most preferred first; `undefined` lets Intl choose. */
function browserLocale(): Locale {
  const languages = typeof navigator === 'undefined' ? undefined : navigator.languages;
  return languages && languages.length > 0 ? languages : undefined;
}

const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

/** One Intl formatter per locale and options, made on first use. */
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(
  kind: string,
  locale: Locale,
  options: object,
  make: (locales: string[] | undefined) => F,
): F {
  const locales = locale === undefined ? undefined : typeof locale === 'string' ? [locale] : [...locale];
  const key = `${kind}|${locales?.join(',') ?? ''}|${JSON.stringify(options)}`;
  let format = formats.get(key) as F | undefined;
  if (!format) {
    format = make(locales);
    formats.set(key, format);
  }
  return format;
}

const numberFormat = (locale: Locale, options: Intl.NumberFormatOptions = {}) =>
  cached('number', locale, options, (l) => new Intl.NumberFormat(l, options));
const dateFormat = (locale: Locale, options: Intl.DateTimeFormatOptions) =>
  cached('date', locale, options, (l) => new Intl.DateTimeFormat(l, options));

export const formatNumber = (value: number, locale: Locale = browserLocale()): string =>
  numberFormat(locale).format(value);

export function formatSigned(value: number, locale: Locale = browserLocale()): string {
  const text = numberFormat(locale).format(value);
  return value > 0 ? `+${text}` : text;
}

/** Money kept as integer minor units: 19900 USD → "$199.00" (en-US), "199,00 $" (de-DE). */
export function formatMoney(minor: number, currency: string, locale: Locale = browserLocale()): string {
  const format = numberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/**
 * Money as a decimal string of minor units (exact past 2^53: the server's sums):
 * "1234567" USD → "$12,345.67". Intl formats the decimal string exactly.
 */
export function formatMinorString(minor: string, currency: string, locale: Locale = browserLocale()): string {
  const format = numberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const negative = minor.startsWith('-');
  const units = (negative ? minor.slice(1) : minor).padStart(digits + 1, '0');
  const major = units.slice(0, units.length - digits);
  const fraction = units.slice(units.length - digits);
  const decimal = `${negative ? '-' : ''}${major}${digits > 0 ? `.${fraction}` : ''}`;
  return format.format(decimal as unknown as number);
}

const DATE_TIME: Intl.DateTimeFormatOptions = {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
};
const TIME_ONLY: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
const DAY_AND_TIME: Intl.DateTimeFormatOptions = {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
};

export const formatDateTime = (iso: string, locale: Locale = browserLocale()): string =>
  dateFormat(locale, DATE_TIME).format(new Date(iso));

/** Compact: the time for today, else the day and time to the minute. */
export function formatWhen(iso: string, now: number = Date.now(), locale: Locale = browserLocale()): string {
  const date = new Date(iso);
  const today = date.toDateString() === new Date(now).toDateString();
  return dateFormat(locale, today ? TIME_ONLY : DAY_AND_TIME).format(date);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Long ids shortened to their first 8 characters ("order:<uuid>" → "order 1a2b3c4d"). */
export function shortenReference(reference: string): string {
  const [prefix, ...rest] = reference.split(':');
  const id = rest.join(':');
  if (id && UUID.test(id)) return `${prefix} ${id.slice(0, 8)}`;
  return UUID.test(reference) ? reference.slice(0, 8) : reference;
}

// Relative times are words, like the rest of the console (English); numbers and dates follow the locale.
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "just now", "3 min ago", "2 hours ago", "yesterday"… relative to `now`. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 10) return 'just now';
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}

/** A countdown: 905_000 ms → "15:05", 3_725_000 → "1:02:05"; zero or less → "0:00". */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** Order statuses as people say them. */
export function formatStatus(status: string): string {
  const text = status.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const formatCoordinate = (value: number, positive: string, negative: string): string =>
  `${Math.abs(value).toFixed(4)}° ${value >= 0 ? positive : negative}`;
