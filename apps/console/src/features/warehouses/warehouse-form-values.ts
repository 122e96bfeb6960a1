/** The warehouse form as text fields, checked before sending (the API checks again). */
import type { Warehouse } from './use-warehouses';

export interface WarehouseFormValues {
  code: string;
  name: string;
  address: string;
  latitude: string;
  longitude: string;
  capacity: string;
  timezone: string;
  active: boolean;
}

export type WarehouseFormErrors = Partial<Record<keyof WarehouseFormValues, string>>;

export const emptyWarehouseForm: WarehouseFormValues = {
  code: '',
  name: '',
  address: '',
  latitude: '',
  longitude: '',
  capacity: '',
  timezone: 'UTC',
  active: true,
};

export function warehouseToForm(w: Warehouse): WarehouseFormValues {
  return {
    code: w.code,
    name: w.name,
    address: w.address ?? '',
    latitude: String(w.latitude),
    longitude: String(w.longitude),
    capacity: w.capacity === null ? '' : String(w.capacity),
    timezone: w.timezone,
    active: w.active,
  };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const inRange = (text: string, min: number, max: number) => {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= min && n <= max;
};

export function validateWarehouseForm(v: WarehouseFormValues): WarehouseFormErrors {
  const errors: WarehouseFormErrors = {};
  if (!/^[A-Z0-9][A-Z0-9-]{1,15}$/.test(v.code.trim())) {
    errors.code = 'Use 2–16 capital letters, digits and "-", like BLR-1.';
  }
  if (v.name.trim() === '') errors.name = 'Give the warehouse a name.';
  if (!inRange(v.latitude, -90, 90)) errors.latitude = 'Latitude is a number from -90 to 90.';
  if (!inRange(v.longitude, -180, 180)) errors.longitude = 'Longitude is a number from -180 to 180.';
  if (
    v.capacity.trim() !== '' &&
    !(inRange(v.capacity, 0, 2_000_000_000) && Number.isInteger(Number(v.capacity)))
  ) {
    errors.capacity = 'Capacity is a whole number of units (or leave it empty).';
  }
  if (v.timezone.trim() !== '' && !isTimeZone(v.timezone.trim())) {
    errors.timezone = 'Use an IANA time zone, like Europe/Berlin or America/Chicago.';
  }
  return errors;
}

/** The API input for the form's values. */
export function formToInput(v: WarehouseFormValues) {
  return {
    code: v.code.trim(),
    name: v.name.trim(),
    address: v.address.trim() || null,
    latitude: Number(v.latitude),
    longitude: Number(v.longitude),
    capacity: v.capacity.trim() === '' ? null : Number(v.capacity),
    timezone: v.timezone.trim() || undefined,
  };
}
