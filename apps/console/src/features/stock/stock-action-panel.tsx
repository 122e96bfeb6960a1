import { type FormEvent, type RefObject, useEffect, useId, useRef, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { errorInfo } from '../../lib/errors';
import { formatNumber, formatSigned } from '../../lib/format';
import { useActionKeys } from '../../lib/idempotency';
import { trpc } from '../../trpc';
import type { Warehouse } from '../warehouses/use-warehouses';
import { ReceiveScan } from './receive-scan';
import {
  ACTION_LABEL,
  type LevelSnapshot,
  onHandAfter,
  precheck,
  type StockAction,
  type StockForm,
  validateStockForm,
} from './stock-actions';
import type { StockLevel } from './stock-table';
import { type Conflict, VersionConflict } from './version-conflict';

const snapshot = (level: StockLevel | undefined): LevelSnapshot | null =>
  level
    ? { version: level.version, onHand: level.onHand, reserved: level.reserved, available: level.available }
    : null;

const AMOUNT_LABEL: Record<StockAction, string> = {
  receive: 'Units received',
  adjust: 'Change in units (negative to remove)',
  set: 'Counted units on hand',
};

/** The three mutations, and one call that sends this action with its idempotency key. */
function useStockMutations(action: StockAction, warehouseId: string, sku: string) {
  const keys = useActionKeys();
  const receive = trpc.inventory.receive.useMutation();
  const adjust = trpc.inventory.adjust.useMutation();
  const set = trpc.inventory.set.useMutation();
  const mutation = { receive, adjust, set }[action];

  // The same input sent again reuses its key, so a retried click is applied once.
  const withKey = <T extends object>(input: T) => ({ ...input, idempotencyKey: keys.keyFor(input) });

  async function run(amount: number, reason: string | undefined, from: LevelSnapshot | null) {
    const target = { warehouseId, sku };
    const level =
      action === 'receive'
        ? await receive.mutateAsync(withKey({ ...target, quantity: amount, reason }))
        : action === 'adjust'
          ? await adjust.mutateAsync(
              withKey({
                ...target,
                delta: amount,
                expectedVersion: from?.version ?? 1,
                reason: reason ?? '',
              }),
            )
          : await set.mutateAsync(
              withKey({ ...target, onHand: amount, expectedVersion: from?.version, reason }),
            );
    keys.done();
    return level;
  }

  return { mutation, run };
}

function doneMessage(action: StockAction, warehouse: Warehouse, after: LevelSnapshot): string {
  return `${ACTION_LABEL[action]} done at ${warehouse.code}: ${formatNumber(after.onHand)} on hand, ${formatNumber(
    after.available,
  )} available (v${after.version}).`;
}

type FieldErrors = Partial<Record<keyof StockForm, string>>;

/**
 * The panel's state and what its buttons do. The form remembers the version it was
 * opened on and sends it as `expectedVersion`: if someone changed the level in the
 * meantime the API refuses, and the person decides what to do.
 */
function useStockAction(
  sku: string,
  warehouse: Warehouse,
  action: StockAction,
  level: StockLevel | undefined,
) {
  const utils = trpc.useUtils();
  const { mutation, run } = useStockMutations(action, warehouse.id, sku);
  const [base, setBase] = useState<LevelSnapshot | null>(() => snapshot(level));
  const [form, setForm] = useState<StockForm>({ amount: '', reason: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const amount = Number(form.amount.trim());
  const live = snapshot(level);

  async function send(from: LevelSnapshot | null) {
    mutation.reset();
    try {
      const after = await run(amount, form.reason.trim() || undefined, from);
      setBase(snapshot(after));
      setConflict(null);
      setForm({ amount: '', reason: '' });
      setDone(doneMessage(action, warehouse, after));
      await Promise.all([utils.products.get.invalidate({ sku }), utils.inventory.invalidate()]);
    } catch (error) {
      const info = errorInfo(error);
      if (info.appCode === 'VERSION_MISMATCH' && from) {
        const current = info.details.current as StockLevel | undefined;
        if (current) setConflict({ yours: from, current: snapshot(current) as LevelSnapshot });
        void utils.products.get.invalidate({ sku });
      }
    }
  }

  function submit() {
    setDone(null);
    const found = validateStockForm(action, form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const blocked = precheck(action, amount, live ?? base);
    setProblem(blocked);
    if (blocked) return;
    void send(base);
  }

  function reapply() {
    if (!conflict) return;
    const from = conflict.current;
    setBase(from);
    void send(from);
  }

  function discard() {
    setConflict(null);
    setBase(snapshot(level));
    setForm({ amount: '', reason: '' });
    mutation.reset();
  }

  return {
    mutation,
    base,
    setBase,
    live,
    form,
    setForm,
    amount,
    errors,
    problem,
    conflict,
    done,
    submit,
    reapply,
    discard,
  };
}

/** Receive, adjust or set one level (see useStockAction for how a concurrent change is handled). */
export function StockActionPanel({
  sku,
  warehouse,
  action,
  level,
  onClose,
}: {
  sku: string;
  warehouse: Warehouse;
  action: StockAction;
  level: StockLevel | undefined;
  onClose: () => void;
}) {
  const id = useId();
  const state = useStockAction(sku, warehouse, action, level);
  const amountInput = useRef<HTMLInputElement>(null);
  useEffect(() => amountInput.current?.focus(), []);
  const { mutation, conflict, problem, done } = state;
  const mutationError =
    mutation.error && errorInfo(mutation.error).appCode !== 'VERSION_MISMATCH' ? mutation.error : null;

  return (
    <section className="card action-panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`}>
          {ACTION_LABEL[action]} · {sku} at {warehouse.code}
        </h2>
        <button type="button" className="button button--small button--ghost" onClick={onClose}>
          Close
        </button>
      </header>

      {conflict ? (
        <VersionConflict
          conflict={conflict}
          warehouseId={warehouse.id}
          warehouseCode={warehouse.code}
          sku={sku}
          action={action}
          amount={state.amount}
          pending={mutation.isPending}
          onReapply={state.reapply}
          onDiscard={state.discard}
        />
      ) : (
        <>
          {action === 'receive' && (
            <ReceiveScan
              sku={sku}
              amount={state.form.amount}
              onAmount={(amount) => state.setForm((f) => ({ ...f, amount }))}
            />
          )}
          <StockActionForm id={id} action={action} state={state} amountInput={amountInput} />
        </>
      )}

      {problem && !conflict && (
        <div className="alert alert--error" role="alert">
          {problem}
        </div>
      )}
      {mutationError && <ErrorMessage error={mutationError} />}
      {done && !conflict && (
        <div className="alert alert--success" role="status">
          {done}
        </div>
      )}
    </section>
  );
}

function StockActionForm({
  id,
  action,
  state,
  amountInput,
}: {
  id: string;
  action: StockAction;
  state: ReturnType<typeof useStockAction>;
  amountInput: RefObject<HTMLInputElement | null>;
}) {
  const { base, live, form, setForm, amount, errors, mutation } = state;
  const changedMeanwhile = base && live && live.version > base.version;
  const preview =
    form.amount.trim() !== '' && Number.isInteger(amount)
      ? `${formatNumber(base?.onHand ?? 0)} → ${formatNumber(onHandAfter(action, amount, base))} on hand`
      : null;
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    state.submit();
  }

  return (
    <form className="action-form" onSubmit={onSubmit} noValidate>
      {changedMeanwhile && (
        <div className="alert alert--warning" role="status">
          Someone changed this level while you were editing (v{base.version} → v{live.version}). Your change
          is checked against v{base.version}.{' '}
          <button type="button" className="link-button" onClick={() => state.setBase(live)}>
            Start from v{live.version}
          </button>
        </div>
      )}
      <div className="field">
        <label className="field__label" htmlFor={`${id}-amount`}>
          {AMOUNT_LABEL[action]}
        </label>
        <input
          ref={amountInput}
          id={`${id}-amount`}
          className="input input--number"
          inputMode="numeric"
          autoComplete="off"
          value={form.amount}
          aria-invalid={errors.amount ? true : undefined}
          aria-describedby={errors.amount ? `${id}-amount-error` : `${id}-preview`}
          onChange={(e) => {
            const { value } = e.currentTarget;
            setForm((f) => ({ ...f, amount: value }));
          }}
        />
        {errors.amount && (
          <p className="field__error" id={`${id}-amount-error`}>
            {errors.amount}
          </p>
        )}
      </div>
      <ReasonField
        id={id}
        action={action}
        value={form.reason}
        error={errors.reason}
        onChange={(value) => setForm((f) => ({ ...f, reason: value }))}
      />
      <div className="action-form__submit">
        <button type="submit" className="button button--primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : ACTION_LABEL[action]}
        </button>
      </div>
      <p className="action-form__preview text-muted" id={`${id}-preview`}>
        {preview ??
          (base ? `Now ${formatNumber(base.onHand)} on hand (v${base.version})` : 'Nothing here yet')}
        {action === 'adjust' && Number.isInteger(amount) && amount !== 0 && ` (${formatSigned(amount)})`}
      </p>
    </form>
  );
}

const REASON_PLACEHOLDER: Record<StockAction, string> = {
  receive: 'e.g. PO-1042',
  adjust: 'e.g. damaged in transit',
  set: 'e.g. cycle count',
};

function ReasonField({
  id,
  action,
  value,
  error,
  onChange,
}: {
  id: string;
  action: StockAction;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field field--grow">
      <label className="field__label" htmlFor={`${id}-reason`}>
        Reason{action === 'adjust' ? '' : ' (optional)'}
      </label>
      <input
        id={`${id}-reason`}
        className="input"
        autoComplete="off"
        placeholder={REASON_PLACEHOLDER[action]}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-reason-error` : undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
      {error && (
        <p className="field__error" id={`${id}-reason-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
