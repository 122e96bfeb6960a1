import { getQueryKey } from '@trpc/react-query';
import { type KeyboardEvent, type RefObject, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { PageHeader } from '../../components/page-header';
import { Spinner } from '../../components/states';
import { moveActive } from '../../lib/list-navigation';
import { beep, productBySku } from '../../lib/scan';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useHotkey } from '../../lib/use-hotkey';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { readSearchState, writeSearchState } from './search-params';
import { type Hit, ResultsCount, SearchResults } from './search-results';
import './search.css';

const DEBOUNCE_MS = 200;

/**
 * The search box's text, the query it settles to, and the URL kept in step: the URL
 * follows the query as it settles (replacing, not stacking history entries). A query
 * that arrives in the URL from elsewhere (back/forward, a shared link) goes into the
 * box; the URL we wrote ourselves must not, or it would undo typing.
 */
function useSearchText() {
  const [params, setParams] = useSearchParams();
  const state = readSearchState(params);
  const [text, setText] = useState(state.q);
  const query = useDebouncedValue(text, DEBOUNCE_MS);
  const written = useRef(state.q);
  const settled = useRef(query);
  // Set when Enter opened a product: a query settling after that must not pull the URL back here.
  const left = useRef(false);
  useEffect(() => {
    if (query === settled.current || left.current) return; // only when the typed query settles anew
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
  const setFilter = (name: 'category' | 'warehouse', value: string) =>
    setParams(writeSearchState({ ...state, q: query, [name]: value }), { replace: true });
  const leave = () => {
    left.current = true;
  };
  return { state, text, setText, query, setFilter, leave };
}

function useSearchResults(query: string, state: ReturnType<typeof readSearchState>) {
  const utils = trpc.useUtils();
  const searchInput = {
    query: query.trim() || undefined,
    category: state.category || undefined,
    warehouseId: state.warehouse || undefined,
    limit: 20,
  };
  return useCursorPages(
    getQueryKey(trpc.products.search, searchInput, 'infinite'),
    (cursor) => utils.client.products.search.query({ ...searchInput, cursor }),
    { keepPrevious: true },
  );
}

/** The highlighted result (-1: none) and the search box's keys: ↑ ↓ move, Enter opens, Esc clears. */
function useActiveOption(
  id: string,
  hits: Hit[],
  enter: (typed: string, active: number) => void,
  clear: () => void,
) {
  const [active, setActive] = useState(-1);
  useEffect(() => {
    if (active >= 0) document.getElementById(`${id}-opt-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, id]);
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current) => moveActive(current, event.key === 'ArrowDown' ? 1 : -1, hits.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      // Exactly what is in the box now: a scanner types faster than results settle.
      enter(event.currentTarget.value, active);
    } else if (event.key === 'Escape') {
      clear();
    }
  }
  return { active, setActive, onKeyDown };
}

/**
 * What Enter opens, decided from the text typed at that moment: the highlighted
 * result when the list shows that very text; else the product whose SKU is exactly
 * the text (a scan); else the best match of a fresh search for the text; else a
 * refusal. Never a result list settled for an earlier prefix.
 */
function useEnterTarget(
  query: string,
  results: ReturnType<typeof useSearchResults>,
  state: ReturnType<typeof readSearchState>,
  open: (hit: { sku: string } | undefined) => void,
) {
  const utils = trpc.useUtils();
  const [refusal, setRefusal] = useState<string | null>(null);
  async function enter(text: string, active: number) {
    const typed = text.trim();
    setRefusal(null);
    if (!typed) return;
    const listShowsTyped = typed === query.trim() && !results.isFetching;
    if (listShowsTyped && active >= 0) return open(results.items[active]);
    try {
      const exact = await productBySku((input) => utils.client.products.get.query(input), typed);
      if (exact) return open(exact);
      const fresh = await utils.client.products.search.query({
        query: typed,
        category: state.category || undefined,
        warehouseId: state.warehouse || undefined,
        limit: 1,
      });
      if (fresh.items[0]) return open(fresh.items[0]);
      beep('refused');
      setRefusal(`No product matches “${typed}”.`);
    } catch {
      setRefusal(`Could not look up “${typed}”: try again.`);
    }
  }
  return { enter: (text: string, active: number) => void enter(text, active), refusal };
}

export function SearchPage() {
  const id = useId();
  const { state, text, setText, query, setFilter, leave } = useSearchText();
  const [, navigate] = useLocation();
  const input = useRef<HTMLInputElement>(null);
  const results = useSearchResults(query, state);
  const hits = results.items;
  const open = (hit: { sku: string } | undefined) => {
    if (!hit) return;
    leave();
    navigate(`/products/${encodeURIComponent(hit.sku)}`);
  };
  const { enter, refusal } = useEnterTarget(query, results, state, open);
  const { active, setActive, onKeyDown } = useActiveOption(id, hits, enter, () => setText(''));
  useEffect(() => setActive(-1), [query, state.category, state.warehouse]);
  const focusSearch = useCallback(() => input.current?.focus(), []);
  useHotkey('/', focusSearch);

  const typing = text.trim() !== query.trim();

  return (
    <div className="stack">
      <PageHeader title="Products" description="Search by name, SKU or category. Typos are forgiven." />

      <search className="card search-bar">
        <SearchBox
          id={id}
          inputRef={input}
          text={text}
          onText={setText}
          expanded={hits.length > 0}
          active={active}
          busy={typing || results.isFetching}
          onKeyDown={onKeyDown}
        />
        <SearchFilters id={id} category={state.category} warehouse={state.warehouse} onChange={setFilter} />
      </search>

      <ResultsCount
        pending={results.isPending}
        count={hits.length}
        more={results.hasNextPage}
        query={query}
        atWarehouse={Boolean(state.warehouse)}
      />

      {refusal && (
        <p className="alert alert--error" role="alert">
          {refusal}
        </p>
      )}
      {results.error && !results.isFetchNextPageError && <ErrorMessage error={results.error} />}

      <SearchResults
        id={id}
        results={results}
        query={query}
        active={active}
        onActive={setActive}
        onOpen={open}
      />

      <LoadMore
        hasNextPage={results.hasNextPage}
        isFetchingNextPage={results.isFetchingNextPage}
        fetchNextPage={results.fetchNextPage}
        error={results.isFetchNextPageError ? results.error : null}
      />
    </div>
  );
}

function SearchBox({
  id,
  inputRef,
  text,
  onText,
  expanded,
  active,
  busy,
  onKeyDown,
}: {
  id: string;
  inputRef: RefObject<HTMLInputElement | null>;
  text: string;
  onText: (text: string) => void;
  expanded: boolean;
  active: number;
  busy: boolean;
  onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
}) {
  return (
    <div className="field search-bar__query">
      <label className="field__label" htmlFor={`${id}-q`}>
        Search products <kbd className="kbd">/</kbd>
      </label>
      <div className="input-with-icon">
        <input
          ref={inputRef}
          id={`${id}-q`}
          className="input"
          type="search"
          autoComplete="off"
          spellCheck={false}
          placeholder="e.g. headphones, KT-KNF, kitchen"
          role="combobox"
          aria-expanded={expanded}
          aria-controls={`${id}-results`}
          aria-autocomplete="list"
          aria-activedescendant={active >= 0 ? `${id}-opt-${active}` : undefined}
          aria-describedby={`${id}-help`}
          value={text}
          onChange={(e) => onText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        {busy && <Spinner label="Searching" />}
      </div>
      <p id={`${id}-help`} className="field__hint text-muted">
        ↑ ↓ to move, Enter to open, Esc to clear
      </p>
    </div>
  );
}

function SearchFilters({
  id,
  category,
  warehouse,
  onChange,
}: {
  id: string;
  category: string;
  warehouse: string;
  onChange: (name: 'category' | 'warehouse', value: string) => void;
}) {
  const { warehouses } = useWarehouses();
  const categories = (trpc.products.categories.useQuery(undefined, { staleTime: 60_000 }).data ?? []).map(
    (c) => c.name,
  );
  return (
    <>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-category`}>
          Category
        </label>
        <select
          id={`${id}-category`}
          className="input"
          value={category}
          onChange={(e) => onChange('category', e.currentTarget.value)}
        >
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
          {category && !categories.includes(category) && <option value={category}>{category}</option>}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-warehouse`}>
          Stocked at
        </label>
        <select
          id={`${id}-warehouse`}
          className="input"
          value={warehouse}
          onChange={(e) => onChange('warehouse', e.currentTarget.value)}
        >
          <option value="">Any warehouse</option>
          {warehouses.map((w) => (
            <option key={w.id} value={w.id}>
              {w.code} — {w.name}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
