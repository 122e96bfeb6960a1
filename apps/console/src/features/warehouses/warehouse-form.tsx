import { type FormEvent, type RefObject, useEffect, useId, useRef, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useActionKeys } from '../../lib/idempotency';
import { trpc } from '../../trpc';
import type { Warehouse } from './use-warehouses';
import {
  emptyWarehouseForm,
  formToInput,
  validateWarehouseForm,
  type WarehouseFormErrors,
  type WarehouseFormValues,
  warehouseToForm,
} from './warehouse-form-values';

interface FieldSpec {
  name: Exclude<keyof WarehouseFormValues, 'active'>;
  label: string;
  hint?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
  wide?: boolean;
}

const FIELDS: FieldSpec[] = [
  { name: 'code', label: 'Code', hint: 'like BLR-1' },
  { name: 'name', label: 'Name', wide: true },
  { name: 'address', label: 'Address (optional)', wide: true },
  { name: 'latitude', label: 'Latitude', inputMode: 'decimal' },
  { name: 'longitude', label: 'Longitude', inputMode: 'decimal' },
  { name: 'capacity', label: 'Capacity in units (optional)', inputMode: 'numeric' },
  { name: 'timezone', label: 'Time zone' },
];

function TextField({
  id,
  field,
  value,
  error,
  inputRef,
  onChange,
}: {
  id: string;
  field: FieldSpec;
  value: string;
  error: string | undefined;
  inputRef: RefObject<HTMLInputElement | null> | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <div className={`field${field.wide ? ' form-grid__wide' : ''}`}>
      <label className="field__label" htmlFor={`${id}-${field.name}`}>
        {field.label}
      </label>
      <input
        ref={inputRef}
        id={`${id}-${field.name}`}
        className="input"
        autoComplete="off"
        inputMode={field.inputMode}
        placeholder={field.hint}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-${field.name}-error` : undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
      {error && (
        <p className="field__error" id={`${id}-${field.name}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Add a warehouse, or edit one (admins only). */
export function WarehouseForm({ warehouse, onDone }: { warehouse: Warehouse | null; onDone: () => void }) {
  const id = useId();
  const keys = useActionKeys();
  const utils = trpc.useUtils();
  const create = trpc.warehouses.create.useMutation();
  const update = trpc.warehouses.update.useMutation();
  const mutation = warehouse ? update : create;
  const [values, setValues] = useState<WarehouseFormValues>(() =>
    warehouse ? warehouseToForm(warehouse) : emptyWarehouseForm,
  );
  const [errors, setErrors] = useState<WarehouseFormErrors>({});
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => first.current?.focus(), []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateWarehouseForm(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const input = formToInput(values);
    try {
      if (warehouse) {
        const changes = { id: warehouse.id, ...input, active: values.active };
        await update.mutateAsync({ ...changes, idempotencyKey: keys.keyFor(changes) });
      } else {
        await create.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      }
      keys.done();
      await utils.warehouses.list.invalidate();
      onDone();
    } catch {
      // Shown next to the form from mutation.error.
    }
  }

  const set = (name: keyof WarehouseFormValues, value: string | boolean) =>
    setValues((v) => ({ ...v, [name]: value }));

  return (
    <section className="card action-panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`}>{warehouse ? `Edit ${warehouse.code}` : 'Add a warehouse'}</h2>
        <button type="button" className="button button--small button--ghost" onClick={onDone}>
          Cancel
        </button>
      </header>
      <form className="form-grid" onSubmit={onSubmit} noValidate>
        {FIELDS.map((field, index) => (
          <TextField
            key={field.name}
            id={id}
            field={field}
            value={values[field.name]}
            error={errors[field.name]}
            inputRef={index === 0 ? first : undefined}
            onChange={(value) => set(field.name, value)}
          />
        ))}
        {warehouse && (
          <label className="checkbox form-grid__wide">
            <input
              type="checkbox"
              checked={values.active}
              onChange={(e) => set('active', e.currentTarget.checked)}
            />
            Active (takes part in allocation)
          </label>
        )}
        <div className="form-grid__wide button-row">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : warehouse ? 'Save changes' : 'Add warehouse'}
          </button>
        </div>
      </form>
      <ErrorMessage error={mutation.error} />
    </section>
  );
}
