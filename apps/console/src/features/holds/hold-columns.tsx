import { Link } from 'wouter';
import type { Column } from '../../components/data-table';
import { StatusBadge } from '../../components/status-badge';
import { formatCountdown, formatNumber } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import type { Hold } from './hold-values';

const units = (hold: Hold) => hold.lines.reduce((sum, l) => sum + l.quantity, 0);

function TimeLeft({ hold, now }: { hold: Hold; now: number }) {
  const left = new Date(hold.expiresAt).getTime() - now;
  if (hold.status !== 'pending') return <span className="text-muted">—</span>;
  if (left <= 0) return <span className="text-muted">due now</span>;
  return (
    <span className="numeric" title={`Ends ${hold.expiresAt}`}>
      {formatCountdown(left)}
    </span>
  );
}

/** The holds table's columns: what is held where, for whom, how long is left, and Release. */
export function useHoldColumns({
  code,
  describe,
  onRelease,
}: {
  code: (warehouseId: string) => string;
  describe: (hold: Hold) => string;
  onRelease: (hold: Hold) => void;
}): Column<Hold>[] {
  const now = useNow(1000);
  return [
    {
      id: 'held',
      header: 'Held',
      rowHeader: true,
      sortBy: (h) => h.lines[0]?.sku ?? '',
      cell: (hold) =>
        hold.lines.map((l) => (
          <div key={`${l.sku}:${l.warehouseId}`}>
            <Link href={`/products/${encodeURIComponent(l.sku)}`}>{l.sku}</Link>{' '}
            <span className="text-muted">
              {formatNumber(l.quantity)} at {code(l.warehouseId)}
            </span>
          </div>
        )),
    },
    { id: 'units', header: 'Units', numeric: true, sortBy: units, cell: (h) => formatNumber(units(h)) },
    {
      id: 'owner',
      header: 'Owner',
      sortBy: (h) => h.owner.label,
      cell: (h) => (
        <>
          <span className="cell-wrap">{h.owner.label}</span>
          {h.owner.kind !== 'user' && <span className="text-muted"> ({h.owner.kind})</span>}
        </>
      ),
    },
    {
      id: 'reference',
      header: 'Reference',
      sortBy: (h) => h.reference ?? '',
      cell: (h) => h.reference ?? '—',
    },
    {
      id: 'status',
      header: 'Status',
      sortBy: (h) => h.status,
      cell: (h) => <StatusBadge status={h.status} />,
    },
    {
      id: 'left',
      header: 'Time left',
      sortBy: (h) => h.expiresAt,
      cell: (h) => <TimeLeft hold={h} now={now} />,
    },
    {
      id: 'action',
      header: 'Action',
      cell: (hold) =>
        hold.status === 'pending' && (
          <button
            type="button"
            className="button button--small button--danger-outline"
            aria-label={`Release ${describe(hold)}`}
            onClick={() => onRelease(hold)}
          >
            Release
          </button>
        ),
    },
  ];
}
