import { formatStatus } from '../lib/format';

const TONE: Record<string, string> = {
  pending_payment: 'neutral',
  paid: 'info',
  needs_attention: 'danger',
  picking: 'warning',
  shipped: 'accent',
  delivered: 'success',
  cancelled: 'muted',
  expired: 'muted',
  pending: 'info',
  confirmed: 'success',
  released: 'muted',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge--${TONE[status] ?? 'neutral'}`}>{formatStatus(status)}</span>;
}
