import { useState } from 'react';
import { Link } from 'wouter';
import { isAdmin } from '../../auth/permissions';
import { useUser } from '../../auth/session-context';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { formatCoordinate, formatNumber } from '../../lib/format';
import { formatStockValue, useSummary } from '../dashboard/use-summary';
import { useWarehouses, type Warehouse } from './use-warehouses';
import { WarehouseForm } from './warehouse-form';
import { WarehouseMap } from './warehouse-map';
import './warehouses.css';

/** Units on hand against capacity, and what they are worth, for one warehouse. */
function StockCells({ warehouse }: { warehouse: Warehouse }) {
  const user = useUser();
  // The API's figures cover the warehouses this person works in (admins: all).
  const mine = isAdmin(user) || (user.role === 'staff' && user.warehouseIds.includes(warehouse.id));
  const totals = useSummary(warehouse.id, { enabled: mine });
  if (!mine) {
    return (
      <td colSpan={2} className="text-muted text-sm">
        Figures of your own warehouses only
      </td>
    );
  }
  if (totals.error) {
    return (
      <td colSpan={2}>
        <ErrorMessage error={totals.error} />
      </td>
    );
  }
  const t = totals.data;
  const share = t && warehouse.capacity ? Math.min(1, t.onHand / warehouse.capacity) : null;
  return (
    <>
      <td className="numeric">
        {t ? formatNumber(t.onHand) : <span className="skeleton skeleton--inline" />}
        {share !== null && (
          <span className="meter" title={`${(share * 100).toFixed(1)}% of capacity`}>
            <span className="meter__fill" style={{ width: `${Math.max(share * 100, 1)}%` }} />
            <span className="visually-hidden">{(share * 100).toFixed(1)}% of capacity</span>
          </span>
        )}
      </td>
      <td className="numeric">
        {t ? formatStockValue(t.stockValueMinor) : <span className="skeleton skeleton--inline" />}
      </td>
    </>
  );
}

export function WarehousesPage() {
  const user = useUser();
  const admin = isAdmin(user);
  const { query, warehouses } = useWarehouses();
  const [editing, setEditing] = useState<Warehouse | 'new' | null>(null);
  const [highlighted, setHighlighted] = useState<string | null>(null);

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Warehouses"
        description="Where stock lives, how full each warehouse is, and what its stock is worth."
        actions={
          admin && (
            <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
              Add warehouse
            </button>
          )
        }
      />
      {editing && (
        <WarehouseForm
          key={editing === 'new' ? 'new' : editing.id}
          warehouse={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {query.error && <ErrorMessage error={query.error} />}
      {!query.isPending && warehouses.length === 0 && !query.error ? (
        <EmptyState title="No warehouses yet">{admin ? 'Add the first one above.' : null}</EmptyState>
      ) : (
        <div className="warehouses-layout">
          <section className="card panel" aria-labelledby="map-title">
            <header className="panel__header">
              <h2 id="map-title">Map</h2>
            </header>
            <WarehouseMap warehouses={warehouses} highlighted={highlighted} onHighlight={setHighlighted} />
          </section>
          <section className="card panel" aria-labelledby="list-title">
            <header className="panel__header">
              <h2 id="list-title">All warehouses</h2>
            </header>
            <WarehouseTable
              pending={query.isPending}
              warehouses={warehouses}
              admin={admin}
              highlighted={highlighted}
              onHighlight={setHighlighted}
              onEdit={setEditing}
            />
          </section>
        </div>
      )}
    </div>
  );
}

interface RowEvents {
  onHighlight: (id: string | null) => void;
  onEdit: (warehouse: Warehouse) => void;
}

function WarehouseTable({
  pending,
  warehouses,
  admin,
  highlighted,
  onHighlight,
  onEdit,
}: RowEvents & { pending: boolean; warehouses: Warehouse[]; admin: boolean; highlighted: string | null }) {
  const mineIds = useUser().warehouseIds;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Warehouse</th>
            <th scope="col" className="hide-narrow">
              Location
            </th>
            <th scope="col" className="numeric">
              Capacity
            </th>
            <th scope="col" className="numeric">
              On hand
            </th>
            <th scope="col" className="numeric">
              Stock value
            </th>
            {admin && <th scope="col">Edit</th>}
          </tr>
        </thead>
        <tbody>
          {pending ? (
            <SkeletonRows rows={5} columns={admin ? 6 : 5} />
          ) : (
            warehouses.map((w) => (
              <WarehouseRow
                key={w.id}
                warehouse={w}
                mine={mineIds.includes(w.id)}
                admin={admin}
                highlighted={highlighted === w.id}
                onHighlight={onHighlight}
                onEdit={onEdit}
              />
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

function WarehouseRow({
  warehouse: w,
  mine,
  admin,
  highlighted,
  onHighlight,
  onEdit,
}: RowEvents & { warehouse: Warehouse; mine: boolean; admin: boolean; highlighted: boolean }) {
  return (
    <tr
      className={highlighted ? 'row--highlight' : undefined}
      onMouseEnter={() => onHighlight(w.id)}
      onMouseLeave={() => onHighlight(null)}
    >
      <th scope="row">
        <span className="wh-code">
          <Link href={`/movements?warehouse=${w.id}`} title="Movements at this warehouse">
            {w.code}
          </Link>
          {!w.active && <span className="badge badge--muted">inactive</span>}
          {mine && <span className="badge badge--info">yours</span>}
        </span>
        <span className="wh-name text-muted">{w.name}</span>
        <span className="coords text-muted show-narrow">
          {formatCoordinate(w.latitude, 'N', 'S')}, {formatCoordinate(w.longitude, 'E', 'W')}
        </span>
      </th>
      <td className="hide-narrow">
        <span className="cell-wrap">{w.address ?? '—'}</span>
        <span className="coords text-muted">
          {formatCoordinate(w.latitude, 'N', 'S')}, {formatCoordinate(w.longitude, 'E', 'W')} · {w.timezone}
        </span>
      </td>
      <td className="numeric">{w.capacity === null ? '—' : formatNumber(w.capacity)}</td>
      <StockCells warehouse={w} />
      {admin && (
        <td>
          <button
            type="button"
            className="button button--small"
            aria-label={`Edit ${w.code}`}
            onClick={() => onEdit(w)}
          >
            Edit
          </button>
        </td>
      )}
    </tr>
  );
}
