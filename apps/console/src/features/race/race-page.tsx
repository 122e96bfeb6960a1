import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { type PickedProduct, ProductPicker } from '../../components/product-picker';
import { formatNumber } from '../../lib/format';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { RaceResult } from './race-result';
import './race.css';

const MAX_BUYERS = 1000;

/**
 * Many buyers at once for the last units of one product at one warehouse,
 * through the real reservation path — and the numbers that prove nobody got a
 * unit that was not there.
 */
function RaceFields({
  warehouseId,
  onWarehouse,
  buyers,
  onBuyers,
  units,
  onUnits,
}: {
  warehouseId: string;
  onWarehouse: (id: string) => void;
  buyers: string;
  onBuyers: (value: string) => void;
  units: string;
  onUnits: (value: string) => void;
}) {
  const id = useId();
  const { warehouses } = useWarehouses();
  return (
    <>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-warehouse`}>
          Warehouse
        </label>
        <select
          id={`${id}-warehouse`}
          className="input"
          value={warehouseId}
          onChange={(e) => onWarehouse(e.currentTarget.value)}
        >
          {warehouses.map((w) => (
            <option key={w.id} value={w.id}>
              {w.code} — {w.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-buyers`}>
          Buyers at once
        </label>
        <input
          id={`${id}-buyers`}
          className="input input--number"
          type="number"
          min={1}
          max={MAX_BUYERS}
          value={buyers}
          onChange={(e) => onBuyers(e.currentTarget.value)}
        />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-units`}>
          Units each
        </label>
        <input
          id={`${id}-units`}
          className="input input--number"
          type="number"
          min={1}
          max={1000}
          value={units}
          onChange={(e) => onUnits(e.currentTarget.value)}
        />
      </div>
    </>
  );
}

/** The level the race will run on, and how many buyers can win. */
function levelNote(
  product: PickedProduct | null,
  level: {
    isPending: boolean;
    error: unknown;
    data?: { available: number; onHand: number; reserved: number };
  },
  expected: number | null,
): string | null {
  if (!product) return 'Pick a product and a warehouse.';
  if (level.isPending) return 'Reading the current level…';
  if (level.error || !level.data) return null;
  return `Now ${formatNumber(level.data.available)} available (${formatNumber(level.data.onHand)} on hand, ${formatNumber(
    level.data.reserved,
  )} reserved)${expected !== null ? ` — at most ${formatNumber(expected)} buyers can win.` : '.'}`;
}

function parseCounts(buyers: string, units: string) {
  const buyerCount = Number(buyers);
  const unitsEach = Number(units);
  const valid =
    Number.isInteger(buyerCount) &&
    buyerCount >= 1 &&
    buyerCount <= MAX_BUYERS &&
    Number.isInteger(unitsEach) &&
    unitsEach >= 1 &&
    unitsEach <= 1000;
  return { buyerCount, unitsEach, valid };
}

export function RacePage() {
  const { warehouses } = useWarehouses();
  const [product, setProduct] = useState<PickedProduct | null>(null);
  const [warehouseId, setWarehouseId] = useState('');
  const [buyers, setBuyers] = useState('50');
  const [units, setUnits] = useState('1');
  const [formError, setFormError] = useState<string | null>(null);
  const race = trpc.demo.race.useMutation();
  const utils = trpc.useUtils();
  const chosenWarehouse = warehouseId || warehouses[0]?.id || '';

  const level = trpc.inventory.get.useQuery(
    { warehouseId: chosenWarehouse, sku: product?.sku ?? '' },
    { enabled: Boolean(product && chosenWarehouse), retry: false },
  );
  const { buyerCount, unitsEach, valid } = parseCounts(buyers, units);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!product) return setFormError('Choose a product first.');
    if (!valid) return setFormError(`Use 1–${MAX_BUYERS} buyers and 1–1000 units each.`);
    setFormError(null);
    try {
      await race.mutateAsync({
        sku: product.sku,
        warehouseId: chosenWarehouse,
        buyers: buyerCount,
        quantityEach: unitsEach,
      });
      await utils.inventory.get.invalidate();
    } catch {
      // Shown next to the button.
    }
  }

  const expected =
    level.data && valid ? Math.min(buyerCount, Math.floor(level.data.available / unitsEach)) : null;

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Race demo"
        description="Fire many buyers at once at the last units of one product, and check that exactly the right number win."
      />
      <form className="card race-form" onSubmit={onSubmit} noValidate>
        <ProductPicker label="Product" value={product} onChange={setProduct} />
        <RaceFields
          warehouseId={chosenWarehouse}
          onWarehouse={setWarehouseId}
          buyers={buyers}
          onBuyers={setBuyers}
          units={units}
          onUnits={setUnits}
        />
        <div className="race-form__footer">
          <p className="text-muted" aria-live="polite">
            {levelNote(product, level, expected)}
          </p>
          <button type="submit" className="button button--primary" disabled={race.isPending}>
            {race.isPending ? 'Racing…' : 'Run the race'}
          </button>
        </div>
        {level.error && <ErrorMessage error={level.error} className="race-form__error" />}
        {formError && (
          <p className="field__error race-form__error" role="alert">
            {formError}
          </p>
        )}
        <ErrorMessage error={race.error} className="race-form__error" />
      </form>
      {race.data && race.variables && (
        <RaceResult result={race.data} unitsEach={race.variables.quantityEach} />
      )}
    </div>
  );
}
