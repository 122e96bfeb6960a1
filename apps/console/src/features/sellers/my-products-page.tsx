import { useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { type RouterOutputs, trpc } from '../../trpc';
import { formatMinorDigits, formatUnits } from './money';
import { ProductForm } from './product-form';
import './sellers.css';

type MyProduct = RouterOutputs['products']['mine']['items'][number];

export function ArchiveButton({ product }: { product: MyProduct }) {
  const utils = trpc.useUtils();
  const archive = trpc.products.archive.useMutation({ onSettled: () => utils.products.mine.invalidate() });
  if (!product.active) return <span className="badge badge--muted">archived</span>;
  return (
    <>
      <button
        type="button"
        className="button button--small button--danger-outline"
        aria-label={`Archive ${product.sku}`}
        disabled={archive.isPending}
        onClick={() => {
          if (window.confirm(`Archive ${product.sku}? It leaves the catalogue; its history stays.`)) {
            archive.mutate({ sku: product.sku, idempotencyKey: crypto.randomUUID() });
          }
        }}
      >
        Archive
      </button>
      <ErrorMessage error={archive.error} />
    </>
  );
}

function ProductRow({ product: p, onEdit }: { product: MyProduct; onEdit: (product: MyProduct) => void }) {
  return (
    <tr>
      <th scope="row">
        <code>{p.sku}</code> {p.name}
      </th>
      <td className="numeric">{formatMinorDigits(p.priceMinor, p.currency)}</td>
      <td>
        {p.stock.perWarehouse.length === 0 ? (
          <span className="text-muted">no stock yet</span>
        ) : (
          <ul className="plain-list">
            {p.stock.perWarehouse.map((level) => (
              <li key={level.warehouseId}>
                <span className="wh-code">{level.warehouseCode}</span> {formatUnits(level.available)} /{' '}
                {formatUnits(level.onHand)}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="numeric">{formatUnits(p.stock.total.available)}</td>
      <td>
        <div className="button-row">
          {p.active && (
            <button
              type="button"
              className="button button--small"
              aria-label={`Edit ${p.sku}`}
              onClick={() => onEdit(p)}
            >
              Edit
            </button>
          )}
          <ArchiveButton product={p} />
        </div>
      </td>
    </tr>
  );
}

/** A seller's own products (admins: all) with stock per warehouse; create, edit and archive them. */
export function MyProductsPage() {
  const query = trpc.products.mine.useInfiniteQuery({ limit: 50 }, { getNextPageParam: (p) => p.nextCursor });
  const [editing, setEditing] = useState<MyProduct | 'new' | null>(null);
  const products = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="My products"
        description="Your products and their stock at each warehouse."
        actions={
          <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
            New product
          </button>
        }
      />
      {editing && (
        <ProductForm
          key={editing === 'new' ? 'new' : editing.sku}
          product={editing === 'new' ? undefined : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <ErrorMessage error={query.error} />
      {!query.isPending && !query.error && products.length === 0 ? (
        <EmptyState title="No products yet">Create one to start selling.</EmptyState>
      ) : (
        <section className="card panel" aria-labelledby="my-products-title">
          <header className="panel__header">
            <h2 id="my-products-title">Products</h2>
          </header>
          <div className="table-wrap">
            <table className="table" aria-label="My products">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col" className="numeric">
                    Price
                  </th>
                  <th scope="col">Stock per warehouse (available / on hand)</th>
                  <th scope="col" className="numeric">
                    Available
                  </th>
                  <th scope="col">Manage</th>
                </tr>
              </thead>
              <tbody>
                {query.isPending ? (
                  <SkeletonRows rows={3} columns={5} />
                ) : (
                  products.map((p) => <ProductRow key={p.id} product={p} onEdit={setEditing} />)
                )}
              </tbody>
            </table>
          </div>
          {query.hasNextPage && (
            <button
              type="button"
              className="button"
              disabled={query.isFetchingNextPage}
              onClick={() => query.fetchNextPage()}
            >
              Load more
            </button>
          )}
        </section>
      )}
    </div>
  );
}
