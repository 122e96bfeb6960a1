import { getQueryKey } from '@trpc/react-query';
import { useId, useState } from 'react';
import { Link } from 'wouter';
import { type Column, DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState } from '../../components/states';
import { formatMoney, formatNumber } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { trpc } from '../../trpc';
import { ArchiveButton } from '../sellers/my-products-page';
import { type MyProduct, ProductForm } from '../sellers/product-form';

function useColumns(onEdit: (product: MyProduct) => void): Column<MyProduct>[] {
  return [
    {
      id: 'sku',
      header: 'SKU',
      rowHeader: true,
      sortBy: (p) => p.sku,
      cell: (p) => <Link href={`/products/${encodeURIComponent(p.sku)}`}>{p.sku}</Link>,
    },
    {
      id: 'name',
      header: 'Name',
      sortBy: (p) => p.name,
      cell: (p) => <span className="cell-wrap">{p.name}</span>,
    },
    { id: 'category', header: 'Category', sortBy: (p) => p.category, cell: (p) => p.category },
    {
      id: 'price',
      header: 'Price',
      numeric: true,
      sortBy: (p) => p.priceMinor,
      cell: (p) => formatMoney(p.priceMinor, p.currency),
    },
    {
      id: 'available',
      header: 'Available',
      numeric: true,
      sortBy: (p) => p.stock.total.available,
      cell: (p) => formatNumber(p.stock.total.available),
    },
    {
      id: 'manage',
      header: 'Manage',
      cell: (p) => (
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
      ),
    },
  ];
}

/** Every product (admins), by SKU, archived ones included: create, edit and archive them. */
export function CatalogPage() {
  const id = useId();
  const utils = trpc.useUtils();
  const input = { limit: 50 };
  const query = useCursorPages(getQueryKey(trpc.products.mine, input, 'infinite'), (cursor) =>
    utils.client.products.mine.query({ ...input, cursor }),
  );
  const [editing, setEditing] = useState<MyProduct | 'new' | null>(null);
  const columns = useColumns(setEditing);

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Catalog"
        description="Every product, by SKU, archived ones included. Archiving takes a product out of search and new holds; its history stays."
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
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      <section className="card panel" aria-labelledby={`${id}-title`}>
        <header className="panel__header">
          <h2 id={`${id}-title`}>Products</h2>
        </header>
        <DataTable
          columns={columns}
          rows={query.items}
          rowKey={(p) => p.id}
          loading={query.isPending}
          caption="Products by SKU"
          pager={query}
          empty={<EmptyState title="No products yet">Create the first one.</EmptyState>}
        />
      </section>
    </div>
  );
}
