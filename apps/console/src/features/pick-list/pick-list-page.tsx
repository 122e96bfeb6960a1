import { useEffect, useId } from 'react';
import { Link, useSearchParams } from 'wouter';
import { useUser } from '../../auth/session-context';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState, Loading } from '../../components/states';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useFreshOrders } from '../../live/live-events';
import { type RouterOutputs, trpc } from '../../trpc';
import { useWarehouses, type Warehouse } from '../warehouses/use-warehouses';
import './pick-list.css';

type PickList = RouterOutputs['orders']['pickList'];

/** The warehouses whose pick lists this person may open: staff their own, admins all. */
function useMyWarehouses(): Warehouse[] {
  const user = useUser();
  const { warehouses } = useWarehouses();
  return warehouses.filter((w) => user.role === 'admin' || user.warehouseIds.includes(w.id));
}

function PickTable({ list, code }: { list: PickList; code: string }) {
  return (
    <div className="table-wrap">
      <table className="table pick-list-table">
        <caption className="visually-hidden">What to pick at {code}, in walking order</caption>
        <thead>
          <tr>
            <th scope="col">Location</th>
            <th scope="col">SKU</th>
            <th scope="col">Product</th>
            <th scope="col" className="numeric">
              Qty
            </th>
            <th scope="col">For orders</th>
            <th scope="col" className="print-only">
              Picked
            </th>
          </tr>
        </thead>
        <tbody>
          {list.stops.map((stop) => (
            <tr key={`${stop.location ?? ''}:${stop.sku}`}>
              <td className="pick-list__location">
                {stop.location ?? <span className="text-muted">no location</span>}
              </td>
              <th scope="row">
                <code>{stop.sku}</code>
              </th>
              <td className="cell-wrap">{stop.name}</td>
              <td className="numeric pick-list__qty">{formatNumber(stop.quantity)}</td>
              <td className="cell-wrap">
                {stop.orders.map((o, i) => (
                  <span key={o.orderId}>
                    {i > 0 && ', '}
                    <Link href={`/orders/${o.orderId}`}>#{o.number}</Link> × {formatNumber(o.quantity)}
                  </span>
                ))}
              </td>
              <td className="print-only pick-list__box" aria-hidden="true" />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WarehouseSelect({
  mine,
  value,
  onChange,
}: {
  mine: Warehouse[];
  value: string;
  onChange: (id: string) => void;
}) {
  const id = useId();
  return (
    <div className="field field--inline no-print">
      <label className="field__label" htmlFor={`${id}-warehouse`}>
        Warehouse
      </label>
      <select
        id={`${id}-warehouse`}
        className="input"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        {mine.map((w) => (
          <option key={w.id} value={w.id}>
            {w.code} — {w.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A warehouse's pick list: the lines of its paid orders still to pick, by bin and SKU in
 * walking order. Printable (the print stylesheet keeps only the list) and exportable as CSV.
 */
export function PickListPage() {
  const mine = useMyWarehouses();
  const [params, setParams] = useSearchParams();
  const chosen = mine.find((w) => w.id === params.get('warehouse')) ?? mine[0];
  const utils = trpc.useUtils();
  const query = trpc.orders.pickList.useQuery(
    { warehouseId: chosen?.id ?? '' },
    { enabled: Boolean(chosen) },
  );
  // Orders paid, picked or shipped elsewhere change the list: follow the live order events.
  const fresh = useFreshOrders();
  useEffect(() => {
    if (fresh.size > 0) void utils.orders.pickList.invalidate();
  }, [fresh, utils]);

  const exportHref = chosen
    ? `/api/v1/exports/pick-list.csv?warehouseId=${encodeURIComponent(chosen.id)}`
    : '';
  return (
    <div className="stack pick-list-page">
      <PageHeader
        title={`Pick list${chosen ? ` · ${chosen.code}` : ''}`}
        description={
          query.data
            ? `${formatNumber(query.data.orders)} paid orders · ${formatNumber(query.data.units)} units · as of ${formatDateTime(query.data.generatedAt)}`
            : 'The paid orders’ lines still to pick, by location and SKU.'
        }
        actions={
          chosen && (
            <div className="button-row no-print">
              <WarehouseSelect
                mine={mine}
                value={chosen.id}
                onChange={(id) => setParams({ warehouse: id }, { replace: true })}
              />
              <button type="button" className="button" onClick={() => window.print()}>
                Print
              </button>
              <a className="button" href={exportHref} download>
                Export CSV
              </a>
            </div>
          )
        }
      />
      {!chosen ? (
        <EmptyState title="You work in no warehouse">Ask an admin to add you to one.</EmptyState>
      ) : query.isPending ? (
        <Loading label="Loading the pick list…" />
      ) : query.error ? (
        <ErrorMessage error={query.error} />
      ) : query.data.stops.length === 0 ? (
        <EmptyState title={`Nothing to pick at ${chosen.code}`}>
          Paid orders appear here as they come in.
        </EmptyState>
      ) : (
        <section className="card panel" aria-label={`Pick list for ${chosen.code}`}>
          <PickTable list={query.data} code={chosen.code} />
        </section>
      )}
    </div>
  );
}
