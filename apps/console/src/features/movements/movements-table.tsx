import { Link } from 'wouter';
import { EmptyState, SkeletonRows } from '../../components/states';
import { formatDateTime, formatSigned, formatWhen, shortenReference } from '../../lib/format';
import { useActorName } from '../../lib/use-actor-name';
import type { RouterOutputs } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';

export type Movement = RouterOutputs['inventory']['movements']['items'][number];

function Delta({ value }: { value: number }) {
  if (value === 0) return <span className="text-muted">0</span>;
  return <span className={value > 0 ? 'delta delta--up' : 'delta delta--down'}>{formatSigned(value)}</span>;
}

function MovementRow({ movement: m, showSku }: { movement: Movement; showSku: boolean }) {
  const { byId } = useWarehouses();
  const actorName = useActorName();
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={m.createdAt} title={formatDateTime(m.createdAt)}>
          {formatWhen(m.createdAt)}
        </time>
      </td>
      <td>{byId.get(m.warehouseId)?.code ?? m.warehouseId.slice(0, 8)}</td>
      {showSku && (
        <td>
          <Link href={`/products/${encodeURIComponent(m.sku)}`}>{m.sku}</Link>
        </td>
      )}
      <td>
        <span className={`kind kind--${m.kind}`}>{m.kind}</span>
      </td>
      <td className="numeric">
        <Delta value={m.onHandDelta} />
      </td>
      <td className="numeric">
        <Delta value={m.reservedDelta} />
      </td>
      <td className="cell-wrap">
        {m.reason ?? ''}
        {m.reason && m.reference ? ' · ' : ''}
        {m.reference && (
          <span className="text-muted" title={m.reference}>
            {shortenReference(m.reference)}
          </span>
        )}
      </td>
      <td>{actorName(m.actor)}</td>
    </tr>
  );
}

/** Ledger rows, newest first: what changed, by how much, why, and who did it. */
export function MovementsTable({
  movements,
  loading,
  showSku = true,
  caption,
}: {
  movements: Movement[];
  loading: boolean;
  showSku?: boolean;
  caption: string;
}) {
  if (!loading && movements.length === 0) {
    return (
      <EmptyState title="No movements yet">
        Every receipt, adjustment, hold and shipment is listed here.
      </EmptyState>
    );
  }
  const columns = showSku ? 8 : 7;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Warehouse</th>
            {showSku && <th scope="col">SKU</th>}
            <th scope="col">Kind</th>
            <th scope="col" className="numeric">
              On hand Δ
            </th>
            <th scope="col" className="numeric">
              Reserved Δ
            </th>
            <th scope="col">Reason / reference</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {loading ? (
            <SkeletonRows rows={6} columns={columns} />
          ) : (
            movements.map((m) => <MovementRow key={m.id} movement={m} showSku={showSku} />)
          )}
        </tbody>
      </table>
    </div>
  );
}
