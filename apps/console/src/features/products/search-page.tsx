import { getQueryKey } from '@trpc/react-query';
import { type KeyboardEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { PageHeader } from '../../components/page-header';
import { EmptyState, Spinner } from '../../components/states';
import { formatMoney, formatNumber } from '../../lib/format';
import { moveActive } from '../../lib/list-navigation';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useHotkey } from '../../lib/use-hotkey';
import { type RouterOutputs, trpc } from '../../trpc';
import { useStockTotals } from '../dashboard/use-summaries';
import { useWarehouses } from '../warehouses/use-warehouses';
import { readSearchState, writeSearchState } from './search-params';
import './search.css';

type Hit = RouterOutputs['products']['search']['items'][number];

const DEBOUNCE_MS = 200;

function Availability({ hit }: { hit: Hit }) {
  const tone = hit.available <= 0 ? 'qty--out' : hit.available <= 10 ? 'qty--low' : '';
  return (
    <span className="result__stock">
      <span className={`qty ${tone}`}>{formatNumber(hit.available)}</span> available
      <span className="text-muted"> · {formatNumber(hit.onHand)} on hand</span>
    </span>
  );
}

export function SearchPage() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const state = readSearchState(params);
  const [text, setText] = useState(state.q);
  const query = useDebouncedValue(text, DEBOUNCE_MS);
  const [active, setActive] = useState(-1);
  const [, navigate] = useLocation();
  const input = useRef<HTMLInputElement>(null);
  const { warehouses } = useWarehouses();
  const categories = useStockTotals().data?.categories ?? [];

  // The URL follows the query as it settles (replacing, not stacking history entries).
  // A query that arrives in the URL from elsewhere (back/forward, a shared link) goes
  // into the box; the URL we wrote ourselves must not, or it would undo typing.
  const written = useRef(state.q);
  const settled = useRef(query);
  useEffect(() => {
    if (query === settled.current) return; // only when the typed query settles anew
    settled.current = query;
    const q = query.trim();
    if (q === written.current) return;
    written.current = q;
    setParams(writeSearchState({ ...state, q }), { replace: true });
  }, [query, state, setParams]);
  const urlQ = state.q;
  useEffect(() => {
    if (urlQ === written.current) return;
    written.current = urlQ;
    setText(urlQ);
  }, [urlQ]);

  const utils = trpc.useUtils();
  const searchInput = {
    query: query.trim() || undefined,
    category: state.category || undefined,
    warehouseId: state.warehouse || undefined,
    limit: 20,
  };
  const results = useCursorPages(
    getQueryKey(trpc.products.search, searchInput, 'infinite'),
    (cursor) => utils.client.products.search.query({ ...searchInput, cursor }),
    { keepPrevious: true },
  );
  const hits = results.items;

  useEffect(() => setActive(-1), [query, state.category, state.warehouse]);
  useEffect(() => {
    if (active >= 0) document.getElementById(`${id}-opt-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, id]);

  const focusSearch = useCallback(() => input.current?.focus(), []);
  useHotkey('/', focusSearch);

  const open = (hit: Hit | undefined) => {
    if (hit) navigate(`/products/${encodeURIComponent(hit.sku)}`);
  };

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current) => moveActive(current, event.key === 'ArrowDown' ? 1 : -1, hits.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(hits[Math.max(active, 0)]);
    } else if (event.key === 'Escape') {
      setText('');
    }
  }

  const setFilter = (name: 'category' | 'warehouse', value: string) =>
    setParams(writeSearchState({ ...state, q: query, [name]: value }), { replace: true });

  const typing = text.trim() !== query.trim();
  const searching = typing || results.isFetching;
  const more = results.hasNextPage ? '+' : '';

  return (
    <div className="stack">
      <PageHeader title="Products" description="Search by name, SKU or category. Typos are forgiven." />

      <search className="card search-bar">
        <div className="field search-bar__query">
          <label className="field__label" htmlFor={`${id}-q`}>
            Search products <kbd className="kbd">/</kbd>
          </label>
          <div className="input-with-icon">
            <input
              ref={input}
              id={`${id}-q`}
              className="input"
              type="search"
              autoComplete="off"
              spellCheck={false}
              placeholder="e.g. headphones, KT-KNF, kitchen"
              role="combobox"
              aria-expanded={hits.length > 0}
              aria-controls={`${id}-results`}
              aria-autocomplete="list"
              aria-activedescendant={active >= 0 ? `${id}-opt-${active}` : undefined}
              aria-describedby={`${id}-help`}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              onKeyDown={onKeyDown}
            />
            {searching && <Spinner label="Searching" />}
          </div>
          <p id={`${id}-help`} className="field__hint text-muted">
            ↑ ↓ to move, Enter to open, Esc to clear
          </p>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-category`}>
            Category
          </label>
          <select
            id={`${id}-category`}
            className="input"
            value={state.category}
            onChange={(e) => setFilter('category', e.currentTarget.value)}
          >
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
            {state.category && !categories.includes(state.category) && (
              <option value={state.category}>{state.category}</option>
            )}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-warehouse`}>
            Stocked at
          </label>
          <select
            id={`${id}-warehouse`}
            className="input"
            value={state.warehouse}
            onChange={(e) => setFilter('warehouse', e.currentTarget.value)}
          >
            <option value="">Any warehouse</option>
            {warehouses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.code} — {w.name}
              </option>
            ))}
          </select>
        </div>
      </search>

      <p className="results-count text-muted" aria-live="polite">
        {results.isPending
          ? 'Searching…'
          : `${formatNumber(hits.length)}${more} ${hits.length === 1 && !more ? 'product' : 'products'}${
              query.trim() ? ` for “${query.trim()}”` : ''
            }${state.warehouse ? ' at this warehouse' : ''}`}
      </p>

      {results.error && !results.isFetchNextPageError && <ErrorMessage error={results.error} />}

      {results.isPending ? (
        <ul className="results" aria-hidden="true">
          {Array.from({ length: 6 }, (_, i) => (
            <li key={i} className="result result--skeleton">
              <span className="skeleton" />
            </li>
          ))}
        </ul>
      ) : hits.length === 0 && !results.error ? (
        <EmptyState title={query.trim() ? `No products match “${query.trim()}”` : 'No products here'}>
          Check the spelling, try fewer words, or clear the filters.
        </EmptyState>
      ) : (
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
              onClick={() => open(hit)}
              onMouseMove={() => index !== active && setActive(index)}
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
      )}

      <LoadMore
        hasNextPage={results.hasNextPage}
        isFetchingNextPage={results.isFetchingNextPage}
        fetchNextPage={results.fetchNextPage}
        error={results.isFetchNextPageError ? results.error : null}
      />
    </div>
  );
}
