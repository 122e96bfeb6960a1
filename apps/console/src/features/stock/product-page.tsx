import { useState } from 'react';
import { Link, useParams } from 'wouter';
import { isOperator } from '../../auth/permissions';
import { useUser } from '../../auth/session-context';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState, Loading } from '../../components/states';
import { hasAppCode } from '../../lib/errors';
import { formatMoney, formatNumber } from '../../lib/format';
import { trpc } from '../../trpc';
import { MovementsTable } from '../movements/movements-table';
import { useWarehouses } from '../warehouses/use-warehouses';
import { StockActionPanel } from './stock-action-panel';
import { type Selection, type StockRow, StockTable } from './stock-table';
import './stock.css';

function RecentMovements({ sku }: { sku: string }) {
  const query = trpc.inventory.movements.useQuery({ sku, limit: 10 });
  return (
    <section className="card panel" aria-labelledby="recent-movements">
      <header className="panel__header">
        <h2 id="recent-movements">Recent movements</h2>
        <Link href={`/movements?sku=${encodeURIComponent(sku)}`}>Full ledger</Link>
      </header>
      {query.error && <ErrorMessage error={query.error} />}
      <MovementsTable
        movements={query.data?.items ?? []}
        loading={query.isPending}
        showSku={false}
        caption={`Latest stock movements of ${sku}`}
      />
    </section>
  );
}

function StockTotals({ total }: { total: { onHand: number; reserved: number; available: number } }) {
  return (
    <section className="stats stats--3" aria-label="Totals over every warehouse">
      <div className="stat card">
        <p className="stat__label">On hand</p>
        <p className="stat__value">{formatNumber(total.onHand)}</p>
      </div>
      <div className="stat card">
        <p className="stat__label">Reserved</p>
        <p className="stat__value">{formatNumber(total.reserved)}</p>
      </div>
      <div className="stat card">
        <p className="stat__label">Available</p>
        <p className="stat__value">{formatNumber(total.available)}</p>
      </div>
    </section>
  );
}

export function ProductPage() {
  const params = useParams<{ sku: string }>();
  const sku = decodeURIComponent(params.sku ?? '');
  const user = useUser();
  const product = trpc.products.get.useQuery({ sku });
  const { warehouses, byId } = useWarehouses();
  const [selected, setSelected] = useState<Selection | null>(null);

  if (product.isPending) return <Loading label={`Loading ${sku}…`} />;
  if (product.error) {
    return hasAppCode(product.error, 'NOT_FOUND') ? (
      <EmptyState title={`There is no product ${sku}`}>
        <Link href="/products">Search the catalogue</Link>
      </EmptyState>
    ) : (
      <ErrorMessage error={product.error} />
    );
  }

  const p = product.data;
  const levels = new Map(p.stock.perWarehouse.map((l) => [l.warehouseId, l]));
  // Every warehouse is listed: stock can be received where the product was never held.
  const rows: StockRow[] = warehouses
    .filter((w) => w.active || levels.has(w.id))
    .map((warehouse) => ({ warehouse, level: levels.get(warehouse.id) }));
  const selectedWarehouse = selected ? byId.get(selected.warehouseId) : undefined;

  return (
    <div className="stack stack--lg">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/products">Products</Link> <span aria-hidden="true">/</span> <span>{p.sku}</span>
      </nav>
      <PageHeader
        title={p.name}
        description={
          <>
            <code>{p.sku}</code> · {p.category} · {formatMoney(p.priceMinor, p.currency)}
            {!p.active && <span className="badge badge--muted">archived</span>}
            {p.sellerId !== null && p.sellerId === user.id && (
              <span className="badge badge--info">your product</span>
            )}
          </>
        }
      />
      {p.description && <p className="product-description">{p.description}</p>}

      <StockTotals total={p.stock.total} />

      <section className="card panel" aria-labelledby="stock-title">
        <header className="panel__header">
          <h2 id="stock-title">Stock by warehouse</h2>
          {product.isFetching && <span className="text-muted text-sm">Refreshing…</span>}
        </header>
        <StockTable rows={rows} user={user} selected={selected} onSelect={setSelected} />
      </section>

      {selected && selectedWarehouse && (
        <StockActionPanel
          key={`${selected.warehouseId}:${selected.action}`}
          sku={p.sku}
          warehouse={selectedWarehouse}
          action={selected.action}
          level={levels.get(selected.warehouseId)}
          onClose={() => setSelected(null)}
        />
      )}

      {isOperator(user) && <RecentMovements sku={p.sku} />}
    </div>
  );
}
