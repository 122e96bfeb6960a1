import type { Warehouse } from '../features/warehouses/use-warehouses';

/** A labelled choice of warehouse ("Code — Name"); `anyLabel` adds an empty choice (no filter). */
export function WarehouseSelect({
  id,
  warehouses,
  value,
  onChange,
  anyLabel,
}: {
  id: string;
  warehouses: Warehouse[];
  value: string;
  onChange: (warehouseId: string) => void;
  anyLabel?: string;
}) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        Warehouse
      </label>
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {anyLabel && <option value="">{anyLabel}</option>}
        {warehouses.map((w) => (
          <option key={w.id} value={w.id}>
            {w.code} — {w.name}
          </option>
        ))}
      </select>
    </div>
  );
}
