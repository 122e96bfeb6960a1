import { useId } from 'react';
import { Link, useSearchParams } from 'wouter';
import { PageHeader } from '../../components/page-header';
import { formatStatus } from '../../lib/format';
import { useWarehouses } from '../warehouses/use-warehouses';
import { BulkActions } from './bulk-actions';
import { useOrderSelection } from './bulk-selection';
import { OrderList } from './order-list';
import { isOrderStatus, ORDER_STATUSES } from './statuses';
import './orders.css';

const OPEN_SECTIONS = [
  { status: 'needs_attention', title: 'Needs attention', empty: 'No order needs attention.' },
  { status: 'paid', title: 'Ready to pick', empty: 'No paid orders are waiting to be picked.' },
  { status: 'picking', title: 'Being picked — ready to ship', empty: 'Nothing is being picked.' },
] as const;

function WarehouseFilter({ warehouseId }: { warehouseId: string | undefined }) {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const { warehouses } = useWarehouses();
  return (
    <div className="field field--inline">
      <label className="field__label" htmlFor={`${id}-warehouse`}>
        Warehouse
      </label>
      <select
        id={`${id}-warehouse`}
        className="input"
        value={warehouseId ?? ''}
        onChange={(e) => {
          const next = new URLSearchParams(params);
          if (e.currentTarget.value) next.set('warehouse', e.currentTarget.value);
          else next.delete('warehouse');
          setParams(next);
        }}
      >
        <option value="">All warehouses</option>
        {warehouses.map((w) => (
          <option key={w.id} value={w.id}>
            {w.code}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Orders by status. "Open" is the work queue: what someone in the warehouse has to act on. */
export function OrdersPage() {
  const [params] = useSearchParams();
  const view = params.get('status') ?? 'open';
  const warehouseId = params.get('warehouse') || undefined;

  const href = (status: string) => {
    const next = new URLSearchParams();
    if (status !== 'open') next.set('status', status);
    if (warehouseId) next.set('warehouse', warehouseId);
    const search = next.toString();
    return `/orders${search ? `?${search}` : ''}`;
  };
  const tabs = ['open', 'all', ...ORDER_STATUSES];
  const selection = useOrderSelection();

  return (
    <div className="stack">
      <PageHeader
        title="Orders"
        description="New orders appear here as they are placed — no reload needed."
        actions={<WarehouseFilter warehouseId={warehouseId} />}
      />
      <div className="orders-toolbar">
        <nav className="tabs" aria-label="Order status">
          {tabs.map((tab) => (
            <Link
              key={tab}
              href={href(tab)}
              className={`tabs__tab${view === tab ? ' tabs__tab--current' : ''}`}
              aria-current={view === tab ? 'page' : undefined}
            >
              {tab === 'open' ? 'Open' : tab === 'all' ? 'All' : formatStatus(tab)}
            </Link>
          ))}
        </nav>
      </div>

      <BulkActions selection={selection} />

      {view === 'open' ? (
        OPEN_SECTIONS.map((section) => (
          <OrderList
            key={section.status}
            status={section.status}
            warehouseId={warehouseId}
            title={section.title}
            emptyText={section.empty}
            selection={selection}
          />
        ))
      ) : (
        <OrderList
          status={isOrderStatus(view) ? view : undefined}
          warehouseId={warehouseId}
          title={isOrderStatus(view) ? formatStatus(view) : 'All orders'}
          emptyText="No orders here."
          selection={selection}
        />
      )}
    </div>
  );
}
