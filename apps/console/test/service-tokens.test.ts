import { describe, expect, it } from 'vitest';
import {
  emptyTokenForm,
  endOfDay,
  formToCreateInput,
  type TokenFormValues,
  today,
  validateTokenForm,
} from '../src/features/service-tokens/token-values';

const NOW = new Date(2026, 6, 15, 12, 0, 0).getTime();
const filled: TokenFormValues = {
  name: '  checkout-service ',
  scopes: ['reservations', 'stock:read'],
  everywhere: true,
  warehouseIds: [],
  expiresOn: '',
};

describe('validateTokenForm', () => {
  it('asks for a name and at least one scope', () => {
    expect(validateTokenForm(emptyTokenForm, NOW)).toEqual({
      name: expect.stringContaining('Enter a name'),
      scopes: expect.stringContaining('at least one scope'),
    });
    expect(validateTokenForm({ ...filled, name: 'x'.repeat(101) }, NOW).name).toContain('at most 100');
    expect(validateTokenForm(filled, NOW)).toEqual({});
  });

  it('asks for a warehouse when the token is limited to some', () => {
    const some = { ...filled, everywhere: false };
    expect(validateTokenForm(some, NOW).warehouseIds).toContain('at least one warehouse');
    expect(validateTokenForm({ ...some, warehouseIds: ['w1'] }, NOW)).toEqual({});
  });

  it('takes today or a later day as the expiry, not an earlier or impossible one', () => {
    expect(validateTokenForm({ ...filled, expiresOn: '2026-07-15' }, NOW)).toEqual({});
    expect(validateTokenForm({ ...filled, expiresOn: '2026-07-14' }, NOW).expiresOn).toContain(
      'today or a later',
    );
    expect(validateTokenForm({ ...filled, expiresOn: '2026-02-30' }, NOW).expiresOn).toContain(
      'Enter a date',
    );
  });
});

describe('formToCreateInput', () => {
  it('sends scopes in the API’s order, a trimmed name, and no warehouses for every warehouse', () => {
    expect(formToCreateInput(filled)).toEqual({
      name: 'checkout-service',
      scopes: ['stock:read', 'reservations'],
    });
  });

  it('sends the picked warehouses sorted, and the expiry as the last second of that local day', () => {
    const input = formToCreateInput({
      ...filled,
      everywhere: false,
      warehouseIds: ['b', 'a'],
      expiresOn: '2026-07-15',
    });
    expect(input.warehouseIds).toEqual(['a', 'b']);
    expect(input.expiresAt).toBe(new Date(2026, 6, 15, 23, 59, 59).toISOString());
  });

  it('drops warehouses picked before switching back to every warehouse', () => {
    expect(formToCreateInput({ ...filled, everywhere: true, warehouseIds: ['a'] })).not.toHaveProperty(
      'warehouseIds',
    );
  });
});

describe('dates', () => {
  it('reads yyyy-mm-dd in the local time zone', () => {
    expect(endOfDay('2026-12-31')).toEqual(new Date(2026, 11, 31, 23, 59, 59));
    expect(endOfDay('31/12/2026')).toBeNull();
    expect(today(new Date(2026, 0, 5, 8))).toBe('2026-01-05');
  });
});
