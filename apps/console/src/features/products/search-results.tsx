import { EmptyState } from '../../components/states';
import { formatMoney, formatNumber } from '../../lib/format';
import type { RouterOutputs } from '../../trpc';

export type Hit = RouterOutputs['products']['search']['items'][number];

interface SearchResultsPages {
  items: Hit[];
  isPending: boolean;
  isPlaceholderData: boolean;
  error: unknown;
}

function Availability({ hit }: { hit: Hit }) {
  const tone = hit.available <= 0 ? 'qty--out' : hit.available <= 10 ? 'qty--low' : '';
  return (
    <span className="result__stock">
      <span className={`qty ${tone}`}>{formatNumber(hit.available)}</span> available
      <span className="text-muted"> · {formatNumber(hit.onHand)} on hand</span>
    </span>
  );
}

export function ResultsCount({
  pending,
  count,
  more: hasMore,
  query,
  atWarehouse,
}: {
  pending: boolean;
  count: number;
  more: boolean;
  query: string;
  atWarehouse: boolean;
}) {
  const more = hasMore ? '+' : '';
  return (
    <p className="results-count text-muted" aria-live="polite">
      {pending
        ? 'Searching…'
        : `${formatNumber(count)}${more} ${count === 1 && !more ? 'product' : 'products'}${
            query.trim() ? ` for “${query.trim()}”` : ''
          }${atWarehouse ? ' at this warehouse' : ''}`}
    </p>
  );
}

export function SearchResults({
  id,
  results,
  query,
  active,
  onActive,
  onOpen,
}: {
  id: string;
  results: SearchResultsPages;
  query: string;
  active: number;
  onActive: (index: number) => void;
  onOpen: (hit: Hit) => void;
}) {
  const hits = results.items;
  if (results.isPending)
    return (
      <ul className="results" aria-hidden="true">
        {Array.from({ length: 6 }, (_, i) => (
          <li key={i} className="result result--skeleton">
            <span className="skeleton" />
          </li>
        ))}
      </ul>
    );
  if (hits.length === 0 && !results.error)
    return (
      <EmptyState title={query.trim() ? `No products match “${query.trim()}”` : 'No products here'}>
        Check the spelling, try fewer words, or clear the filters.
      </EmptyState>
    );
  return (
    <div
      id={`${id}-results`}
      className={`results${results.isPlaceholderData ? ' results--stale' : ''}`}
      role="listbox"
      aria-label="Search results"
    >
      {hits.map((hit, index) => (
        // The input owns keyboard navigation (combobox pattern); a click opens the product.
        // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the combobox input
        <div
          key={hit.id}
          id={`${id}-opt-${index}`}
          role="option"
          tabIndex={-1}
          aria-selected={index === active}
          className={`result${index === active ? ' result--active' : ''}`}
          onClick={() => onOpen(hit)}
          onMouseMove={() => index !== active && onActive(index)}
        >
          <div className="result__main">
            <span className="result__name">{hit.name}</span>
            <span className="result__meta">
              <code>{hit.sku}</code> · {hit.category} · {formatMoney(hit.priceMinor, hit.currency)}
            </span>
          </div>
          <Availability hit={hit} />
        </div>
      ))}
    </div>
  );
}
