import { describe, expect, it } from 'vitest';
import { onHandAfter, precheck, validateStockForm } from '../src/features/stock/stock-actions';

const level = { version: 3, onHand: 20, reserved: 5, available: 15 };

describe('validateStockForm', () => {
  it('accepts sensible input for each action', () => {
    expect(validateStockForm('receive', { amount: '10', reason: '' })).toEqual({});
    expect(validateStockForm('adjust', { amount: '-3', reason: 'damaged' })).toEqual({});
    expect(validateStockForm('set', { amount: '0', reason: '' })).toEqual({});
  });

  it('refuses what the API would refuse', () => {
    expect(validateStockForm('receive', { amount: '0', reason: '' }).amount).toMatch(/between 1/);
    expect(validateStockForm('receive', { amount: '2.5', reason: '' }).amount).toMatch(/whole number/);
    expect(validateStockForm('receive', { amount: '', reason: '' }).amount).toMatch(/whole number/);
    expect(validateStockForm('adjust', { amount: '0', reason: 'x' }).amount).toMatch(/non-zero/);
    expect(validateStockForm('set', { amount: '-1', reason: '' }).amount).toMatch(/between 0/);
    expect(validateStockForm('adjust', { amount: '2', reason: '  ' }).reason).toMatch(/why/);
    expect(validateStockForm('receive', { amount: '1', reason: 'x'.repeat(501) }).reason).toMatch(/500/);
  });
});

describe('onHandAfter and precheck', () => {
  it('computes the level after the action', () => {
    expect(onHandAfter('receive', 10, level)).toBe(30);
    expect(onHandAfter('adjust', -4, level)).toBe(16);
    expect(onHandAfter('set', 7, level)).toBe(7);
    expect(onHandAfter('receive', 10, null)).toBe(10);
  });

  it('stops changes that cannot work before sending them', () => {
    expect(precheck('receive', 10, null)).toBeNull();
    expect(precheck('adjust', -1, null)).toMatch(/receive stock first/);
    expect(precheck('adjust', -21, level)).toMatch(/below zero/);
    expect(precheck('set', 4, level)).toMatch(/5 units are reserved/);
    expect(precheck('set', 5, level)).toBeNull();
  });
});
