import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useActionKeys } from '../../lib/idempotency';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import {
  emptyTokenForm,
  formToCreateInput,
  type IssuedToken,
  NAME_MAX_LENGTH,
  SCOPES,
  type Scope,
  type TokenFormErrors,
  type TokenFormValues,
  today,
  validateTokenForm,
} from './token-values';

const FIELDS: (keyof TokenFormErrors)[] = ['name', 'scopes', 'warehouseIds', 'expiresOn'];

type SetValue = <K extends keyof TokenFormValues>(name: K, value: TokenFormValues[K]) => void;

interface FieldsProps {
  id: string;
  values: TokenFormValues;
  errors: TokenFormErrors;
  set: SetValue;
}

const toggle = <T extends string>(list: T[], item: T, on: boolean) =>
  on ? [...list, item] : list.filter((x) => x !== item);

function describedByOf(id: string, errors: TokenFormErrors, field: keyof TokenFormErrors, hint?: string) {
  return [errors[field] ? `${id}-${field}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;
}

function FieldError({
  id,
  errors,
  field,
}: {
  id: string;
  errors: TokenFormErrors;
  field: keyof TokenFormErrors;
}) {
  return errors[field] ? (
    <p className="field__error" id={`${id}-${field}-error`}>
      {errors[field]}
    </p>
  ) : null;
}

function NameAndExpiryFields({ id, values, errors, set }: FieldsProps) {
  const describedBy = (field: keyof TokenFormErrors, hint?: string) => describedByOf(id, errors, field, hint);
  const fieldError = (field: keyof TokenFormErrors) => <FieldError id={id} errors={errors} field={field} />;
  return (
    <>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-name`}>
          Name
        </label>
        <input
          id={`${id}-name`}
          className="input"
          autoComplete="off"
          maxLength={NAME_MAX_LENGTH}
          value={values.name}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={describedBy('name', `${id}-name-hint`)}
          onChange={(e) => set('name', e.currentTarget.value)}
        />
        <p className="field__hint text-muted" id={`${id}-name-hint`}>
          After the system that uses it, like checkout-service. Unique among tokens in use.
        </p>
        {fieldError('name')}
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-expiresOn`}>
          Expires (optional)
        </label>
        <input
          id={`${id}-expiresOn`}
          className="input"
          type="date"
          min={today()}
          value={values.expiresOn}
          aria-invalid={errors.expiresOn ? true : undefined}
          aria-describedby={describedBy('expiresOn', `${id}-expiresOn-hint`)}
          onChange={(e) => set('expiresOn', e.currentTarget.value)}
        />
        <p className="field__hint text-muted" id={`${id}-expiresOn-hint`}>
          It works through the end of that day, in your time zone. Empty: it does not expire.
        </p>
        {fieldError('expiresOn')}
      </div>
    </>
  );
}

function ScopesFieldset({ id, values, errors, set }: FieldsProps) {
  return (
    <fieldset
      id={`${id}-scopes`}
      className="token-form__wide token-choices token-choices--column"
      aria-invalid={errors.scopes ? true : undefined}
      aria-describedby={describedByOf(id, errors, 'scopes')}
    >
      <legend>Scopes: what it may do</legend>
      {SCOPES.map((scope) => (
        <label key={scope.value} className="checkbox">
          <input
            type="checkbox"
            checked={values.scopes.includes(scope.value)}
            onChange={(e) =>
              set('scopes', toggle<Scope>(values.scopes, scope.value, e.currentTarget.checked))
            }
          />
          <span>
            <code>{scope.value}</code> — {scope.hint}
          </span>
        </label>
      ))}
      <FieldError id={id} errors={errors} field="scopes" />
    </fieldset>
  );
}

function WarehousesFieldset({ id, values, errors, set }: FieldsProps) {
  const { warehouses } = useWarehouses();
  return (
    <fieldset
      id={`${id}-warehouseIds`}
      className="token-form__wide token-choices"
      aria-invalid={errors.warehouseIds ? true : undefined}
      aria-describedby={describedByOf(id, errors, 'warehouseIds')}
    >
      <legend>Warehouses: where it may act</legend>
      <div className="token-choices__row">
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-where`}
            checked={values.everywhere}
            onChange={() => set('everywhere', true)}
          />
          Every warehouse, including ones added later
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-where`}
            checked={!values.everywhere}
            onChange={() => set('everywhere', false)}
          />
          Only the warehouses picked below
        </label>
      </div>
      <div className="token-choices__row">
        {warehouses.map((w) => (
          <label key={w.id} className="checkbox">
            <input
              type="checkbox"
              disabled={values.everywhere}
              checked={!values.everywhere && values.warehouseIds.includes(w.id)}
              onChange={(e) =>
                set('warehouseIds', toggle(values.warehouseIds, w.id, e.currentTarget.checked))
              }
            />
            {w.code} — {w.name}
          </label>
        ))}
      </div>
      <FieldError id={id} errors={errors} field="warehouseIds" />
    </fieldset>
  );
}

/** Create a service token: what it may do, where, and until when. */
export function TokenForm({
  onCreated,
  onCancel,
}: {
  onCreated: (issued: IssuedToken) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const keys = useActionKeys();
  const utils = trpc.useUtils();
  const create = trpc.serviceTokens.create.useMutation();
  const [values, setValues] = useState<TokenFormValues>(emptyTokenForm);
  const [errors, setErrors] = useState<TokenFormErrors>({});
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => document.getElementById(`${id}-name`)?.focus(), [id]);

  /** The first field in error gets the focus, so the keyboard lands where the fix is. */
  function focusField(field: keyof TokenFormErrors) {
    const target =
      field === 'name' || field === 'expiresOn'
        ? document.getElementById(`${id}-${field}`)
        : form.current?.querySelector<HTMLElement>(`#${CSS.escape(`${id}-${field}`)} input:not(:disabled)`);
    target?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateTokenForm(values);
    setErrors(found);
    const first = FIELDS.find((f) => found[f]);
    if (first) {
      focusField(first);
      return;
    }
    try {
      const input = formToCreateInput(values);
      const issued = await create.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      keys.done();
      void utils.serviceTokens.list.invalidate();
      onCreated(issued);
    } catch {
      // Shown below the form from create.error.
    }
  }

  const set: SetValue = (name, value) => setValues((v) => ({ ...v, [name]: value }));
  const fields = { id, values, errors, set };

  return (
    <section className="card token-panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`}>Create a service token</h2>
        <button type="button" className="button button--small button--ghost" onClick={onCancel}>
          Cancel
        </button>
      </header>
      <form ref={form} className="token-form" onSubmit={onSubmit} noValidate>
        <NameAndExpiryFields {...fields} />
        <ScopesFieldset {...fields} />
        <WarehousesFieldset {...fields} />
        <div className="token-form__wide button-row">
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
      <ErrorMessage error={create.error} />
    </section>
  );
}
