/** The shapes of API.md, as plain JSON (dates are ISO strings). */
export interface StockLevel {
  warehouseId: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  version: number;
  safetyStock: number;
  updatedAt: string;
}

interface ReservationLine {
  sku: string;
  warehouseId: string;
  quantity: number;
}

type ReservationStatus = 'pending' | 'confirmed' | 'released' | 'expired';

export interface Reservation {
  id: string;
  status: ReservationStatus;
  expiresAt: string;
  reference: string | null;
  lines: ReservationLine[];
  createdAt: string;
}

export const iso = (date: Date | string): string => (typeof date === 'string' ? date : date.toISOString());
