/**
 * Which warehouse serves a line (SPEC §3). Pure functions over a snapshot of
 * availability; the reservation then applies the plan atomically and re-plans
 * if the snapshot turned out stale.
 */
import type { Shortage } from '../shared/errors.js';

export type Strategy = 'nearest' | 'most_stock' | 'priority';

export interface Candidate {
  warehouseId: string;
  productId: string;
  available: number;
  latitude: number;
  longitude: number;
  priority: number;
  code: string;
}

export interface DemandLine {
  productId: string;
  sku: string;
  quantity: number;
}

export interface Allocation {
  warehouseId: string;
  productId: string;
  sku: string;
  quantity: number;
}

export interface Location {
  latitude: number;
  longitude: number;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in kilometres (haversine). */
function distanceKm(a: Location, b: Location): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function rank(candidates: Candidate[], strategy: Strategy, shipTo: Location | undefined): Candidate[] {
  const byPriority = (a: Candidate, b: Candidate) => a.priority - b.priority || a.code.localeCompare(b.code);
  const sorted = [...candidates];
  if (strategy === 'most_stock') {
    sorted.sort((a, b) => b.available - a.available || byPriority(a, b));
  } else if (strategy === 'nearest' && shipTo) {
    sorted.sort((a, b) => distanceKm(shipTo, a) - distanceKm(shipTo, b) || byPriority(a, b));
  } else {
    // `priority`, and `nearest` without a ship-to address.
    sorted.sort(byPriority);
  }
  return sorted;
}

/**
 * Allocate each line: the best-ranked warehouse that can serve the whole line,
 * else split across warehouses in rank order, else a shortage naming the line.
 * `candidates` are the levels of active warehouses; `taken` is what other lines
 * of the same reservation already claim (pinned lines), keyed warehouse:product.
 */
export function allocate(
  lines: DemandLine[],
  candidates: Candidate[],
  strategy: Strategy,
  shipTo: Location | undefined,
  taken: Map<string, number> = new Map(),
): { allocations: Allocation[]; shortages: Shortage[] } {
  const allocations: Allocation[] = [];
  const shortages: Shortage[] = [];
  for (const line of lines) {
    const options = rank(
      candidates
        .filter((c) => c.productId === line.productId)
        .map((c) => ({ ...c, available: c.available - (taken.get(`${c.warehouseId}:${c.productId}`) ?? 0) }))
        .filter((c) => c.available > 0),
      strategy,
      shipTo,
    );
    const whole = options.find((c) => c.available >= line.quantity);
    if (whole) {
      allocations.push({
        warehouseId: whole.warehouseId,
        productId: line.productId,
        sku: line.sku,
        quantity: line.quantity,
      });
      continue;
    }
    const total = options.reduce((sum, c) => sum + c.available, 0);
    if (total < line.quantity) {
      shortages.push({ sku: line.sku, requested: line.quantity, available: total });
      continue;
    }
    let remaining = line.quantity;
    for (const option of options) {
      if (remaining === 0) break;
      const quantity = Math.min(option.available, remaining);
      allocations.push({
        warehouseId: option.warehouseId,
        productId: line.productId,
        sku: line.sku,
        quantity,
      });
      remaining -= quantity;
    }
  }
  return { allocations, shortages };
}
