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
export function RacePage() {
  const id = useId();
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
  const buyerCount = Number(buyers);
  const unitsEach = Number(units);
  const valid =
    Number.isInteger(buyerCount) &&
    buyerCount >= 1 &&
    buyerCount <= MAX_BUYERS &&
    Number.isInteger(unitsEach) &&
    unitsEach >= 1 &&
    unitsEach <= 1000;

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
        <div className="field">
          <label className="field__label" htmlFor={`${id}-warehouse`}>
            Warehouse
          </label>
          <select
            id={`${id}-warehouse`}
            className="input"
            value={chosenWarehouse}
            onChange={(e) => setWarehouseId(e.currentTarget.value)}
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
            onChange={(e) => setBuyers(e.currentTarget.value)}
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
            onChange={(e) => setUnits(e.currentTarget.value)}
          />
        </div>
        <div className="race-form__footer">
          <p className="text-muted" aria-live="polite">
            {!product
              ? 'Pick a product and a warehouse.'
              : level.isPending
                ? 'Reading the current level…'
                : level.error
                  ? null
                  : `Now ${formatNumber(level.data.available)} available (${formatNumber(level.data.onHand)} on hand, ${formatNumber(
                      level.data.reserved,
                    )} reserved)${expected !== null ? ` — at most ${formatNumber(expected)} buyers can win.` : '.'}`}
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
