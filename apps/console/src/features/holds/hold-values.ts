import type { RouterOutputs } from '../../trpc';

export type Hold = RouterOutputs['reservations']['list']['items'][number];

export const HOLD_STATUSES = ['pending', 'confirmed', 'released', 'expired'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

export const isHoldStatus = (value: string | null): value is HoldStatus =>
  (HOLD_STATUSES as readonly (string | null)[]).includes(value);
