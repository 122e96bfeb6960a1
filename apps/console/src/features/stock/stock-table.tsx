import { canManageStock } from '../../auth/permissions';
import type { SessionUser } from '../../auth/session';
import { formatNumber, formatRelative } from '../../lib/format';
import type { RouterOutputs } from '../../trpc';
import type { Warehouse } from '../warehouses/use-warehouses';
import { ACTION_LABEL, type StockAction } from './stock-actions';

export type StockLevel = RouterOutputs['products']['get']['stock']['perWarehouse'][number];

export interface StockRow {
  warehouse: Warehouse;
  level: StockLevel | undefined;
}

export interface Selection {
  warehouseId: string;
  action: StockAction;
}

function Available({ level }: { level: StockLevel }) {
  const tone = level.available <= 0 ? 'qty--out' : level.available <= level.safetyStock ? 'qty--low' : '';
  return (
    <span className={`qty ${tone}`}>
      {formatNumber(level.available)}
      {level.available <= level.safetyStock && <span className="visually-hidden"> (low)</span>}
    </span>
  );
}

/** The level of one product in every warehouse, with the actions this person may take there. */
export function StockTable({
  rows,
  user,
  selected,
  onSelect,
}: {
  rows: StockRow[];
  user: SessionUser;
  selected: Selection | null;
  onSelect: (selection: Selection) => void;
}) {
  const anyActions = rows.some((r) => canManageStock(user, r.warehouse.id));
  return (
    <div className="table-wrap">
      <table className="table stock-table">
        <caption className="visually-hidden">Stock level in every warehouse</caption>
        <thead>
          <tr>
            <th scope="col">Warehouse</th>
            <th scope="col" className="numeric">
              On hand
            </th>
            <th scope="col" className="numeric">
              Reserved
            </th>
            <th scope="col" className="numeric">
              Available
            </th>
            <th scope="col" className="numeric hide-narrow">
              Safety
            </th>
            <th scope="col" className="numeric">
              Version
            </th>
            <th scope="col" className="hide-narrow">
              Updated
            </th>
            {anyActions && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ warehouse, level }) => (
            <StockRowView
              key={warehouse.id}
              warehouse={warehouse}
              level={level}
              user={user}
              withActions={anyActions}
              selected={selected?.warehouseId === warehouse.id ? selected.action : null}
              onSelect={onSelect}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StockRowView({
  warehouse,
  level,
  user,
  withActions,
  selected,
  onSelect,
}: {
  warehouse: Warehouse;
  level: StockLevel | undefined;
  user: SessionUser;
  withActions: boolean;
  /** The action open on this row, if any. */
  selected: StockAction | null;
  onSelect: (selection: Selection) => void;
}) {
  return (
    <tr className={selected ? 'row--selected' : undefined} data-warehouse={warehouse.code}>
      <th scope="row">
        <span className="wh-code">{warehouse.code}</span>
        <span className="wh-name text-muted">{warehouse.name}</span>
      </th>
      {level ? (
        <>
          <td className="numeric">{formatNumber(level.onHand)}</td>
          <td className="numeric">{formatNumber(level.reserved)}</td>
          <td className="numeric">
            <Available level={level} />
          </td>
          <td className="numeric hide-narrow">{formatNumber(level.safetyStock)}</td>
          <td className="numeric">
            <span className="version">v{level.version}</span>
          </td>
          <td className="hide-narrow nowrap">
            <time dateTime={level.updatedAt}>{formatRelative(level.updatedAt)}</time>
          </td>
        </>
      ) : (
        <td colSpan={6} className="text-muted">
          Never stocked here
        </td>
      )}
      {withActions && (
        <td className="actions-cell">
          {canManageStock(user, warehouse.id) ? (
            <div className="button-group">
              {(['receive', 'adjust', 'set'] as const).map((action) => (
                <button
                  key={action}
                  type="button"
                  className={`button button--small${selected === action ? ' button--pressed' : ''}`}
                  aria-label={`${ACTION_LABEL[action]} at ${warehouse.code}`}
                  aria-pressed={selected === action}
                  disabled={action !== 'receive' && !level}
                  onClick={() => onSelect({ warehouseId: warehouse.id, action })}
                >
                  {ACTION_LABEL[action]}
                </button>
              ))}
            </div>
          ) : (
            <span className="text-muted text-sm" title="You can change stock only in your own warehouses">
              View only
            </span>
          )}
        </td>
      )}
    </tr>
  );
}
