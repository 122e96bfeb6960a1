import { useState } from 'react';
import { Link } from 'wouter';
import { canManageStock } from '../../auth/permissions';
import { useUser } from '../../auth/session-context';
import { ErrorMessage } from '../../components/error-message';
import { ExportLink } from '../../components/export-link';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { WarehouseSelect } from '../../components/warehouse-select';
import { formatDateTime, formatNumber } from '../../lib/format';
import { type RouterOutputs, trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import './pick-list.css';

type PickList = RouterOutputs['orders']['pickList'];

/**
 * The pick list of a warehouse: every paid order's lines still to pick, grouped by
 * bin location and SKU in walking order, with the orders each stop serves.
 * Printable (a print stylesheet keeps only the list) and exportable as CSV.
 */
export function PickListPage() {
  const user = useUser();
  const { warehouses } = useWarehouses();
  const mine = warehouses.filter((w) => canManageStock(user, w.id));
  const [chosen, setChosen] = useState('');
  const warehouse = mine.find((w) => w.id === chosen) ?? mine[0];
  const list = trpc.orders.pickList.useQuery(
    { warehouseId: warehouse?.id ?? '' },
    { enabled: Boolean(warehouse), staleTime: 10_000 },
  );
  const data = list.data;

  return (
    <div className="stack stack--lg pick-list-page">
      <PageHeader
        title={`Pick list${warehouse ? ` · ${warehouse.code}` : ''}`}
        description="Paid orders' lines to pick, by bin and SKU in walking order."
        actions={
          <div className="button-row no-print">
            <button type="button" className="button" onClick={() => window.print()} disabled={!data}>
              Print
            </button>
            {warehouse && <ExportLink list="pick-list" filters={{ warehouseId: warehouse.id }} />}
          </div>
        }
      />
      <div className="no-print">
        <WarehouseSelect
          id="pick-warehouse"
          warehouses={mine}
          value={warehouse?.id ?? ''}
          onChange={setChosen}
        />
      </div>
      <ErrorMessage error={list.error} />
      {data && (
        <p className="text-muted">
          {formatNumber(data.units)} units for {formatNumber(data.orders)} orders · made{' '}
          {formatDateTime(data.generatedAt)}
        </p>
      )}
      {data && data.stops.length === 0 ? (
        <EmptyState title="Nothing to pick">No paid order waits at this warehouse.</EmptyState>
      ) : (
        <PickTable list={data} pending={list.isPending} />
      )}
    </div>
  );
}

function PickTable({ list, pending }: { list: PickList | undefined; pending: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table pick-table" aria-label="Pick list">
        <thead>
          <tr>
            <th scope="col">Location</th>
            <th scope="col">SKU</th>
            <th scope="col">Product</th>
            <th scope="col" className="numeric">
              Quantity
            </th>
            <th scope="col">Orders</th>
          </tr>
        </thead>
        <tbody>
          {pending && <SkeletonRows rows={4} columns={5} />}
          {list?.stops.map((stop) => (
            <tr key={`${stop.location ?? ''}:${stop.sku}`}>
              <td>{stop.location ?? <span className="text-muted">no bin</span>}</td>
              <td>
                <code>{stop.sku}</code>
              </td>
              <td>{stop.name}</td>
              <td className="numeric">{formatNumber(stop.quantity)}</td>
              <td>
                {stop.orders.map((o, i) => (
                  <span key={o.orderId}>
                    {i > 0 && ', '}
                    <Link href={`/orders/${o.orderId}`}>#{o.number}</Link>×{o.quantity}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
