import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useActionKeys } from '../../lib/idempotency';
import { type RouterOutputs, trpc } from '../../trpc';
import { minorToMajorText, parseMajorAmount } from './money';

export type MyProduct = RouterOutputs['products']['mine']['items'][number];

interface Values {
  sku: string;
  name: string;
  category: string;
  price: string;
  currency: string;
  description: string;
}

const empty: Values = { sku: '', name: '', category: '', price: '', currency: 'USD', description: '' };

function valuesOf(product: MyProduct): Values {
  return {
    sku: product.sku,
    name: product.name,
    category: product.category,
    price: minorToMajorText(product.priceMinor, product.currency),
    currency: product.currency,
    description: product.description,
  };
}

function validate(values: Values, creating: boolean): Partial<Record<keyof Values, string>> {
  const errors: Partial<Record<keyof Values, string>> = {};
  if (creating && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(values.sku.trim()))
    errors.sku = 'Letters, digits, ".", "_" and "-", up to 64 characters.';
  if (!values.name.trim()) errors.name = 'Name the product.';
  if (!values.category.trim()) errors.category = 'Give a category.';
  if (!/^[A-Z]{3}$/.test(values.currency.trim())) errors.currency = 'A three-letter code, like USD.';
  else if (parseMajorAmount(values.price, values.currency.trim()) === undefined)
    errors.price = 'A price like 19.99.';
  return errors;
}

type FieldExtra = { disabled?: boolean; inputMode?: 'decimal' };

function TextField({
  id,
  name,
  label,
  value,
  error,
  extra,
  onChange,
}: {
  id: string;
  name: keyof Values;
  label: string;
  value: string;
  error: string | undefined;
  extra: FieldExtra;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-${name}`}>
        {label}
      </label>
      <input
        id={`${id}-${name}`}
        className="input"
        autoComplete="off"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-${name}-error` : undefined}
        {...extra}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
      {error && (
        <p className="field__error" id={`${id}-${name}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Create a product (owned by the seller) or edit one of theirs. */
export function ProductForm({ product, onDone }: { product?: MyProduct; onDone: () => void }) {
  const id = useId();
  const keys = useActionKeys();
  const utils = trpc.useUtils();
  const create = trpc.products.create.useMutation();
  const update = trpc.products.update.useMutation();
  const [values, setValues] = useState<Values>(product ? valuesOf(product) : empty);
  const [errors, setErrors] = useState<Partial<Record<keyof Values, string>>>({});
  const creating = !product;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validate(values, creating);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const currency = values.currency.trim();
    const fields = {
      sku: values.sku.trim(),
      name: values.name.trim(),
      category: values.category.trim(),
      priceMinor: parseMajorAmount(values.price, currency) ?? 0,
      currency,
      description: values.description.trim(),
    };
    try {
      if (creating) await create.mutateAsync({ ...fields, idempotencyKey: keys.keyFor(fields) });
      else await update.mutateAsync({ ...fields, idempotencyKey: keys.keyFor(fields) });
      keys.done();
      await utils.products.mine.invalidate();
      onDone();
    } catch {
      // Shown below the form.
    }
  }

  const field = (name: keyof Values, label: string, extra: FieldExtra = {}) => (
    <TextField
      id={id}
      name={name}
      label={label}
      value={values[name]}
      error={errors[name]}
      extra={extra}
      onChange={(value) => setValues((v) => ({ ...v, [name]: value }))}
    />
  );

  return (
    <section className="card panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`}>{creating ? 'New product' : `Edit ${product.sku}`}</h2>
        <button type="button" className="button button--small button--ghost" onClick={onDone}>
          Cancel
        </button>
      </header>
      <form className="stack" onSubmit={onSubmit} noValidate>
        {field('sku', 'SKU', { disabled: !creating })}
        {field('name', 'Name')}
        {field('category', 'Category')}
        {field('price', 'Price', { inputMode: 'decimal' })}
        {field('currency', 'Currency')}
        {field('description', 'Description (optional)')}
        <div className="button-row">
          <button
            type="submit"
            className="button button--primary"
            disabled={create.isPending || update.isPending}
          >
            {creating ? 'Create product' : 'Save changes'}
          </button>
        </div>
        <ErrorMessage error={create.error ?? update.error} />
      </form>
    </section>
  );
}
