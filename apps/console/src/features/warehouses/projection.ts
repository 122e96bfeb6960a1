/**
 * A simple map projection for a handful of points: equirectangular, with
 * longitudes squeezed by the cosine of the middle latitude so distances look
 * right, fitted into a box with padding. North is up.
 */
export interface GeoPoint {
  latitude: number;
  longitude: number;
}

export interface Viewport {
  width: number;
  height: number;
  padding: number;
}

export interface Projection {
  project(point: GeoPoint): { x: number; y: number };
  /** The visible bounds, for drawing a graticule. */
  bounds: { west: number; east: number; south: number; north: number };
}

export function fitProjection(points: GeoPoint[], view: Viewport, minSpanDegrees = 10): Projection {
  const lats = points.map((p) => p.latitude);
  const lons = points.map((p) => p.longitude);
  let south = points.length > 0 ? Math.min(...lats) : -10;
  let north = points.length > 0 ? Math.max(...lats) : 10;
  let west = points.length > 0 ? Math.min(...lons) : -10;
  let east = points.length > 0 ? Math.max(...lons) : 10;
  // A single point (or points close together) still gets some area around it.
  if (north - south < minSpanDegrees) {
    const mid = (north + south) / 2;
    south = mid - minSpanDegrees / 2;
    north = mid + minSpanDegrees / 2;
  }
  if (east - west < minSpanDegrees) {
    const mid = (east + west) / 2;
    west = mid - minSpanDegrees / 2;
    east = mid + minSpanDegrees / 2;
  }
  const squeeze = Math.cos((((north + south) / 2) * Math.PI) / 180);
  const innerWidth = view.width - 2 * view.padding;
  const innerHeight = view.height - 2 * view.padding;
  const scale = Math.min(innerWidth / ((east - west) * squeeze), innerHeight / (north - south));
  // Centre the drawing in the box.
  const offsetX = view.padding + (innerWidth - (east - west) * squeeze * scale) / 2;
  const offsetY = view.padding + (innerHeight - (north - south) * scale) / 2;
  const project = (p: GeoPoint) => ({
    x: offsetX + (p.longitude - west) * squeeze * scale,
    y: offsetY + (north - p.latitude) * scale,
  });
  // The visible area, as far as the box reaches.
  const corner = (x: number, y: number) => ({
    longitude: west + (x - offsetX) / (squeeze * scale),
    latitude: north - (y - offsetY) / scale,
  });
  const topLeft = corner(0, 0);
  const bottomRight = corner(view.width, view.height);
  return {
    project,
    bounds: {
      west: topLeft.longitude,
      east: bottomRight.longitude,
      north: topLeft.latitude,
      south: bottomRight.latitude,
    },
  };
}

/** Graticule lines every `step` degrees inside [from, to]. */
export function gridLines(from: number, to: number, step: number): number[] {
  const lines: number[] = [];
  for (let v = Math.ceil(from / step) * step; v <= to; v += step) lines.push(v);
  return lines;
}
