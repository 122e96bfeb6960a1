import { keepPreviousData } from '@tanstack/react-query';
import { type KeyboardEvent, useId, useState } from 'react';
import { formatNumber } from '../lib/format';
import { moveActive } from '../lib/list-navigation';
import { useDebouncedValue } from '../lib/use-debounced-value';
import { type RouterOutputs, trpc } from '../trpc';

export type PickedProduct = RouterOutputs['products']['search']['items'][number];

function Chosen({ product: value, onChange }: { product: PickedProduct; onChange: () => void }) {
  return (
    <div className="picker__chosen">
      <span>
        <strong>{value.name}</strong> <code>{value.sku}</code>
      </span>
      <button type="button" className="button button--small button--ghost" onClick={onChange}>
        Change
      </button>
    </div>
  );
}

function Suggestions({
  id,
  label,
  hits,
  active,
  onChoose,
}: {
  id: string;
  label: string;
  hits: PickedProduct[];
  active: number;
  onChoose: (hit: PickedProduct) => void;
}) {
  return (
    <div id={`${id}-list`} className="picker__list" role="listbox" aria-label={`${label} suggestions`}>
      {hits.map((hit, index) => (
        // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the combobox input
        <div
          key={hit.id}
          id={`${id}-opt-${index}`}
          role="option"
          tabIndex={-1}
          aria-selected={index === active}
          className={`picker__option${index === active ? ' picker__option--active' : ''}`}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onChoose(hit)}
        >
          <span>{hit.name}</span>
          <span className="text-muted text-sm">
            {hit.sku} · {formatNumber(hit.available)} available
          </span>
        </div>
      ))}
    </div>
  );
}

/** The picker's typed text, suggestions and keys (see `enter` for what Enter picks). */
function usePicker(onChange: (product: PickedProduct | null) => void, warehouseId: string | undefined) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const query = useDebouncedValue(text.trim(), 200);
  const results = trpc.products.search.useQuery(
    { query, warehouseId, limit: 8 },
    { enabled: open && query.length > 0, placeholderData: keepPreviousData },
  );
  const hits = open && query.length > 0 ? (results.data?.items ?? []) : [];
  const utils = trpc.useUtils();

  function choose(hit: PickedProduct | undefined) {
    if (!hit) return;
    onChange(hit);
    setText('');
    setOpen(false);
    setActive(-1);
  }

  /**
   * Enter: the highlighted suggestion when the list shows what is typed now; else a
   * fresh search for exactly the typed text, its exact SKU first (a scan), never the
   * suggestions of an earlier prefix.
   */
  async function enter(typed: string) {
    if (active >= 0 && typed === query && !results.isFetching) return choose(hits[active]);
    if (!typed) return;
    const fresh = await utils.client.products.search.query({ query: typed, warehouseId, limit: 8 });
    const lower = typed.toLowerCase();
    choose(fresh.items.find((hit) => hit.sku.toLowerCase() === lower) ?? fresh.items[0]);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      setActive((a) => moveActive(a, event.key === 'ArrowDown' ? 1 : -1, hits.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      void enter(event.currentTarget.value.trim());
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  }

  return { text, setText, setOpen, active, setActive, hits, choose, onKeyDown };
}

/** Choose one product by typing part of its name or SKU (a combobox over product search). */
export function ProductPicker({
  label,
  value,
  onChange,
  warehouseId,
}: {
  label: string;
  value: PickedProduct | null;
  onChange: (product: PickedProduct | null) => void;
  warehouseId?: string;
}) {
  const id = useId();
  const { text, setText, setOpen, active, setActive, hits, choose, onKeyDown } = usePicker(
    onChange,
    warehouseId,
  );
  return (
    <div className="field picker">
      <label className="field__label" htmlFor={`${id}-input`}>
        {label}
      </label>
      {value ? (
        <Chosen product={value} onChange={() => onChange(null)} />
      ) : (
        <>
          <input
            id={`${id}-input`}
            className="input"
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls={`${id}-list`}
            aria-autocomplete="list"
            aria-activedescendant={active >= 0 ? `${id}-opt-${active}` : undefined}
            autoComplete="off"
            spellCheck={false}
            placeholder="Type a name or SKU"
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setOpen(true);
              setActive(-1);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => setTimeout(() => setOpen(false), 150)}
          />
          {hits.length > 0 && (
            <Suggestions id={id} label={label} hits={hits} active={active} onChoose={choose} />
          )}
        </>
      )}
    </div>
  );
}
