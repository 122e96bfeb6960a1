import { type FormEvent, type RefObject, useEffect, useId, useRef, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useActionKeys } from '../../lib/idempotency';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import {
  emptyUserForm,
  formToCreateInput,
  formToUpdateInput,
  PASSWORD_MIN_LENGTH,
  ROLES,
  type User,
  type UserFormErrors,
  type UserFormValues,
  userToForm,
  validateUserForm,
} from './user-values';

type SetValue = <K extends keyof UserFormValues>(name: K, value: UserFormValues[K]) => void;

interface FieldsProps {
  id: string;
  values: UserFormValues;
  errors: UserFormErrors;
  set: SetValue;
}

function describedByOf(id: string, errors: UserFormErrors, field: keyof UserFormErrors, hint?: string) {
  return [errors[field] ? `${id}-${field}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;
}

function FieldError({
  id,
  errors,
  field,
}: {
  id: string;
  errors: UserFormErrors;
  field: keyof UserFormErrors;
}) {
  return errors[field] ? (
    <p className="field__error" id={`${id}-${field}-error`}>
      {errors[field]}
    </p>
  ) : null;
}

/** Email (new users only), name and role. */
function IdentityFields({
  id,
  values,
  errors,
  set,
  user,
  first,
}: FieldsProps & { user: User | null; first: RefObject<HTMLInputElement | null> }) {
  const describedBy = (field: keyof UserFormErrors) => describedByOf(id, errors, field);
  const fieldError = (field: keyof UserFormErrors) => <FieldError id={id} errors={errors} field={field} />;
  return (
    <>
      {!user && (
        <div className="field">
          <label className="field__label" htmlFor={`${id}-email`}>
            Email
          </label>
          <input
            ref={first}
            id={`${id}-email`}
            className="input"
            type="email"
            autoComplete="off"
            value={values.email}
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={describedBy('email')}
            onChange={(e) => set('email', e.currentTarget.value)}
          />
          {fieldError('email')}
        </div>
      )}
      <div className="field">
        <label className="field__label" htmlFor={`${id}-name`}>
          Name
        </label>
        <input
          ref={user ? first : undefined}
          id={`${id}-name`}
          className="input"
          autoComplete="off"
          value={values.name}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={describedBy('name')}
          onChange={(e) => set('name', e.currentTarget.value)}
        />
        {fieldError('name')}
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-role`}>
          Role
        </label>
        <select
          id={`${id}-role`}
          className="input"
          value={values.role}
          onChange={(e) => set('role', e.currentTarget.value as UserFormValues['role'])}
        >
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label} — {r.hint}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

function PasswordField({ id, values, errors, set }: FieldsProps) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-password`}>
        Password
      </label>
      <input
        id={`${id}-password`}
        className="input"
        type="password"
        autoComplete="new-password"
        value={values.password}
        aria-invalid={errors.password ? true : undefined}
        aria-describedby={describedByOf(id, errors, 'password', `${id}-password-hint`)}
        onChange={(e) => set('password', e.currentTarget.value)}
      />
      <p className="field__hint text-muted" id={`${id}-password-hint`}>
        At least {PASSWORD_MIN_LENGTH} characters; a few unrelated words work well. Common passwords are
        refused.
      </p>
      <FieldError id={id} errors={errors} field="password" />
    </div>
  );
}

function WarehousesFieldset({ id, values, errors, set }: FieldsProps) {
  const { warehouses } = useWarehouses();
  const toggleWarehouse = (warehouseId: string, on: boolean) =>
    set(
      'warehouseIds',
      on ? [...values.warehouseIds, warehouseId] : values.warehouseIds.filter((w) => w !== warehouseId),
    );
  return (
    <fieldset
      className="user-form__wide"
      aria-invalid={errors.warehouseIds ? true : undefined}
      aria-describedby={describedByOf(id, errors, 'warehouseIds')}
    >
      <legend>Warehouses (staff act only here)</legend>
      {warehouses.map((w) => (
        <label key={w.id} className="checkbox">
          <input
            type="checkbox"
            checked={values.warehouseIds.includes(w.id)}
            onChange={(e) => toggleWarehouse(w.id, e.currentTarget.checked)}
          />
          {w.code} — {w.name}
        </label>
      ))}
      <FieldError id={id} errors={errors} field="warehouseIds" />
    </fieldset>
  );
}

/** Add a user, or change an existing one's name, role and warehouses (admins only). */
export function UserForm({ user, onDone }: { user: User | null; onDone: () => void }) {
  const id = useId();
  const keys = useActionKeys();
  const utils = trpc.useUtils();
  const create = trpc.users.create.useMutation();
  const update = trpc.users.update.useMutation();
  const mutation = user ? update : create;
  const [values, setValues] = useState<UserFormValues>(() => (user ? userToForm(user) : emptyUserForm));
  const [errors, setErrors] = useState<UserFormErrors>({});
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => first.current?.focus(), []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateUserForm(values, user === null);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      if (user) {
        const input = formToUpdateInput(user, values);
        await update.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      } else {
        const input = formToCreateInput(values);
        await create.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      }
      keys.done();
      await utils.users.list.invalidate();
      onDone();
    } catch {
      // Shown below the form from mutation.error.
    }
  }

  const set: SetValue = (name, value) => setValues((v) => ({ ...v, [name]: value }));
  const fields = { id, values, errors, set };

  return (
    <section className="card user-panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`}>{user ? `Edit ${user.email}` : 'Add a user'}</h2>
        <button type="button" className="button button--small button--ghost" onClick={onDone}>
          Cancel
        </button>
      </header>
      <form className="user-form" onSubmit={onSubmit} noValidate>
        <IdentityFields {...fields} user={user} first={first} />
        {!user && <PasswordField {...fields} />}
        {values.role === 'staff' && <WarehousesFieldset {...fields} />}
        <div className="user-form__wide button-row">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : user ? 'Save changes' : 'Add user'}
          </button>
        </div>
      </form>
      <ErrorMessage error={mutation.error} />
    </section>
  );
}
