import { Link } from 'wouter';
import { type Column, DataTable, type Pager } from '../../components/data-table';
import { EmptyState } from '../../components/states';
import { formatDateTime, formatSigned, formatWhen, shortenReference } from '../../lib/format';
import { useActorName } from '../../lib/use-actor-name';
import type { RouterOutputs } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';

export type Movement = RouterOutputs['inventory']['movements']['items'][number];

function Delta({ value }: { value: number }) {
  if (value === 0) return <span className="text-muted">0</span>;
  return <span className={value > 0 ? 'delta delta--up' : 'delta delta--down'}>{formatSigned(value)}</span>;
}

function useColumns(showSku: boolean): Column<Movement>[] {
  const { byId } = useWarehouses();
  const actorName = useActorName();
  const columns: (Column<Movement> | false)[] = [
    {
      id: 'when',
      header: 'When',
      className: 'nowrap',
      sortBy: (m) => m.createdAt,
      cell: (m) => (
        <time dateTime={m.createdAt} title={formatDateTime(m.createdAt)}>
          {formatWhen(m.createdAt)}
        </time>
      ),
    },
    {
      id: 'warehouse',
      header: 'Warehouse',
      sortBy: (m) => byId.get(m.warehouseId)?.code ?? m.warehouseId,
      cell: (m) => byId.get(m.warehouseId)?.code ?? m.warehouseId.slice(0, 8),
    },
    showSku && {
      id: 'sku',
      header: 'SKU',
      sortBy: (m) => m.sku,
      cell: (m) => <Link href={`/products/${encodeURIComponent(m.sku)}`}>{m.sku}</Link>,
    },
    {
      id: 'kind',
      header: 'Kind',
      sortBy: (m) => m.kind,
      cell: (m) => <span className={`kind kind--${m.kind}`}>{m.kind}</span>,
    },
    {
      id: 'onHand',
      header: 'On hand Δ',
      numeric: true,
      sortBy: (m) => m.onHandDelta,
      cell: (m) => <Delta value={m.onHandDelta} />,
    },
    {
      id: 'reserved',
      header: 'Reserved Δ',
      numeric: true,
      sortBy: (m) => m.reservedDelta,
      cell: (m) => <Delta value={m.reservedDelta} />,
    },
    {
      id: 'reason',
      header: 'Reason / reference',
      className: 'cell-wrap',
      cell: (m) => (
        <>
          {m.reason ?? ''}
          {m.reason && m.reference ? ' · ' : ''}
          {m.reference && (
            <span className="text-muted" title={m.reference}>
              {shortenReference(m.reference)}
            </span>
          )}
        </>
      ),
    },
    { id: 'by', header: 'By', cell: (m) => actorName(m.actor) },
  ];
  return columns.filter((c): c is Column<Movement> => c !== false);
}

/** Ledger rows, newest first: what changed, by how much, why, and who did it. */
export function MovementsTable({
  movements,
  loading,
  showSku = true,
  caption,
  pager,
}: {
  movements: Movement[];
  loading: boolean;
  showSku?: boolean;
  caption: string;
  pager?: Pager;
}) {
  const columns = useColumns(showSku);
  return (
    <DataTable
      columns={columns}
      rows={movements}
      rowKey={(m) => String(m.id)}
      loading={loading}
      caption={caption}
      pager={pager}
      empty={
        <EmptyState title="No movements yet">
          Every receipt, adjustment, hold and shipment is listed here.
        </EmptyState>
      }
    />
  );
}
