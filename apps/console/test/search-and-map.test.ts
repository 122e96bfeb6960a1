import { describe, expect, it } from 'vitest';
import { readSearchState, writeSearchState } from '../src/features/products/search-params';
import { fitProjection, gridLines } from '../src/features/warehouses/projection';
import {
  emptyWarehouseForm,
  formToInput,
  validateWarehouseForm,
} from '../src/features/warehouses/warehouse-form-values';

describe('search state in the URL', () => {
  it('round-trips and leaves out empty filters', () => {
    const state = readSearchState(new URLSearchParams('q=hedphones&category=Electronics'));
    expect(state).toEqual({ q: 'hedphones', category: 'Electronics', warehouse: '' });
    expect(writeSearchState(state).toString()).toBe('q=hedphones&category=Electronics');
    expect(writeSearchState({ q: '  ', category: '', warehouse: '' }).toString()).toBe('');
  });
});

describe('fitProjection', () => {
  const view = { width: 1000, height: 320, padding: 40 };
  const points = [
    { latitude: 40.79, longitude: -74.06 }, // New York
    { latitude: 47.42, longitude: -122.26 }, // Seattle
    { latitude: 32.9, longitude: -97.04 }, // Dallas
  ];

  it('keeps every point inside the padded box, north up and west left', () => {
    const p = fitProjection(points, view);
    for (const point of points) {
      const { x, y } = p.project(point);
      expect(x).toBeGreaterThanOrEqual(view.padding - 1e-9);
      expect(x).toBeLessThanOrEqual(view.width - view.padding + 1e-9);
      expect(y).toBeGreaterThanOrEqual(view.padding - 1e-9);
      expect(y).toBeLessThanOrEqual(view.height - view.padding + 1e-9);
    }
    const [ny, sea, dal] = points.map((point) => p.project(point));
    expect(sea?.x).toBeLessThan(ny?.x ?? 0);
    expect(sea?.y).toBeLessThan(dal?.y ?? 0);
  });

  it('gives a single warehouse some room around it', () => {
    const p = fitProjection([{ latitude: 12.97, longitude: 77.59 }], view);
    expect(p.bounds.north - p.bounds.south).toBeGreaterThanOrEqual(10);
    const { x, y } = p.project({ latitude: 12.97, longitude: 77.59 });
    expect(x).toBeCloseTo(500, 0);
    expect(y).toBeCloseTo(160, 0);
  });

  it('draws grid lines on round degrees', () => {
    expect(gridLines(-123.4, -72.1, 10)).toEqual([-120, -110, -100, -90, -80]);
  });
});

describe('warehouse form', () => {
  const valid = {
    ...emptyWarehouseForm,
    code: 'BLR-1',
    name: 'Bengaluru',
    latitude: '12.97',
    longitude: '77.59',
    timezone: 'Asia/Kolkata',
  };

  it('accepts a complete warehouse and builds the API input', () => {
    expect(validateWarehouseForm(valid)).toEqual({});
    expect(formToInput({ ...valid, capacity: '5000' })).toEqual({
      code: 'BLR-1',
      name: 'Bengaluru',
      address: null,
      latitude: 12.97,
      longitude: 77.59,
      capacity: 5000,
      timezone: 'Asia/Kolkata',
    });
  });

  it('explains each bad field', () => {
    const errors = validateWarehouseForm({
      ...valid,
      code: 'blr 1',
      latitude: '91',
      longitude: 'east',
      capacity: '1.5',
      timezone: 'Mars/Olympus',
    });
    expect(Object.keys(errors).sort()).toEqual(['capacity', 'code', 'latitude', 'longitude', 'timezone']);
  });
});
