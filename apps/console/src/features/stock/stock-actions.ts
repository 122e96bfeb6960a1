/**
 * The three ways staff change a level, as plain data: what the form holds, how
 * it is checked before sending, and what the level will look like after.
 */
import { formatNumber } from '../../lib/format';

export type StockAction = 'receive' | 'adjust' | 'set';

export interface LevelSnapshot {
  version: number;
  onHand: number;
  reserved: number;
  available: number;
}

export interface StockForm {
  /** receive: units arrived; adjust: signed change; set: counted on-hand units. */
  amount: string;
  reason: string;
}

const MAX_UNITS = 1_000_000;

export const ACTION_LABEL: Record<StockAction, string> = {
  receive: 'Receive',
  adjust: 'Adjust',
  set: 'Set count',
};

/** The form's problems, by field; empty when it may be sent. */
export function validateStockForm(
  action: StockAction,
  form: StockForm,
): Partial<Record<keyof StockForm, string>> {
  const errors: Partial<Record<keyof StockForm, string>> = {};
  const text = form.amount.trim();
  const value = Number(text);
  if (text === '' || !Number.isInteger(value)) {
    errors.amount = 'Enter a whole number.';
  } else if (action === 'receive' && (value < 1 || value > MAX_UNITS)) {
    errors.amount = `Receive between 1 and ${formatNumber(MAX_UNITS)} units.`;
  } else if (action === 'adjust' && (value === 0 || Math.abs(value) > MAX_UNITS)) {
    errors.amount = 'Adjust by a non-zero number of units, like -3 or 5.';
  } else if (action === 'set' && (value < 0 || value > MAX_UNITS)) {
    errors.amount = `Set a count between 0 and ${formatNumber(MAX_UNITS)}.`;
  }
  if (action === 'adjust' && form.reason.trim() === '') errors.reason = 'Say why (damaged, found, recount…).';
  if (form.reason.trim().length > 500) errors.reason = 'Keep the reason under 500 characters.';
  return errors;
}

/** On hand after the action, from the level it starts from. */
export function onHandAfter(action: StockAction, amount: number, from: LevelSnapshot | null): number {
  const onHand = from?.onHand ?? 0;
  if (action === 'set') return amount;
  return onHand + amount;
}

/** Why the action cannot work on this level, before asking the server (it checks again). */
export function precheck(action: StockAction, amount: number, from: LevelSnapshot | null): string | null {
  if (action !== 'receive' && !from) return 'Nothing has been received here yet: receive stock first.';
  const after = onHandAfter(action, amount, from);
  if (after < 0) return `On hand cannot go below zero (it is ${from?.onHand ?? 0}).`;
  if (from && after < from.reserved)
    return `${from.reserved} units are reserved; on hand cannot go below that.`;
  return null;
}
