import { keepPreviousData } from '@tanstack/react-query';
import { type KeyboardEvent, useId, useState } from 'react';
import { formatNumber } from '../lib/format';
import { moveActive } from '../lib/list-navigation';
import { useDebouncedValue } from '../lib/use-debounced-value';
import { type RouterOutputs, trpc } from '../trpc';
import { beep, type ScannedProduct, useSkuLookup } from './scan-field';

export type PickedProduct = RouterOutputs['products']['search']['items'][number];

/** A product found by its exact SKU, in the picker's shape (its stock at the warehouse, if one is given). */
function asPicked(product: ScannedProduct, warehouseId: string | undefined): PickedProduct {
  const level = warehouseId
    ? product.stock.perWarehouse.find((l) => l.warehouseId === warehouseId)
    : undefined;
  const stock = warehouseId ? (level ?? { onHand: 0, reserved: 0, available: 0 }) : product.stock.total;
  const { id, sku, name, category, priceMinor, currency } = product;
  return { id, sku, name, category, priceMinor, currency, ...stock };
}

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

/**
 * The picker's state and keys: ↑ ↓ move through the suggestions, Esc closes them, Enter takes
 * the highlighted suggestion or else the product whose SKU is exactly the text typed now.
 */
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
  const lookup = useSkuLookup();
  const [refusal, setRefusal] = useState<string | null>(null);

  function choose(hit: PickedProduct | undefined) {
    if (!hit) return;
    onChange(hit);
    setRefusal(null);
    setText('');
    setOpen(false);
    setActive(-1);
  }

  async function chooseSku(sku: string) {
    if (!sku) return;
    const product = await lookup(sku).catch(() => null);
    if (product) return choose(asPicked(product, warehouseId));
    beep(false);
    setRefusal(`No product has the SKU “${sku}”. Choose a suggestion with ↑ ↓ and Enter.`);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      setActive((a) => moveActive(a, event.key === 'ArrowDown' ? 1 : -1, hits.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (active >= 0 && hits[active]) choose(hits[active]);
      else void chooseSku(event.currentTarget.value.trim());
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  }

  function onText(value: string) {
    setText(value);
    setRefusal(null);
    setOpen(true);
    setActive(-1);
  }

  return { text, onText, hits, active, refusal, choose, onKeyDown, close: () => setOpen(false) };
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
  const { text, onText, hits, active, refusal, choose, onKeyDown, close } = usePicker(onChange, warehouseId);
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
            onChange={(e) => onText(e.currentTarget.value)}
            onKeyDown={onKeyDown}
            onBlur={() => setTimeout(close, 150)}
          />
          {hits.length > 0 && (
            <Suggestions id={id} label={label} hits={hits} active={active} onChoose={choose} />
          )}
          {refusal && (
            <p className="field__error" role="alert">
              {refusal}
            </p>
          )}
        </>
      )}
    </div>
  );
}
