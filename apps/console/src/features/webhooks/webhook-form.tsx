import {
  type Dispatch,
  type FormEvent,
  type RefObject,
  type SetStateAction,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { ErrorMessage } from '../../components/error-message';
import { formatDateTime } from '../../lib/format';
import { useActionKeys } from '../../lib/idempotency';
import { trpc } from '../../trpc';
import { WEBHOOK_EVENT_TYPES } from '../events/event-types';
import {
  type CreatedWebhook,
  emptyWebhookForm,
  validateWebhookForm,
  type WebhookFormErrors,
  type WebhookFormValues,
} from './webhook-values';

/** Sends the new endpoint with its idempotency key; its error shows below the form. */
function useCreateWebhook(onCreated: (created: CreatedWebhook) => void) {
  const keys = useActionKeys();
  const utils = trpc.useUtils();
  const create = trpc.webhooks.create.useMutation();
  async function send(values: WebhookFormValues) {
    const input = {
      url: values.url.trim(),
      events: values.events,
      ...(values.description.trim() ? { description: values.description.trim() } : {}),
    };
    try {
      const created = await create.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      keys.done();
      await utils.webhooks.list.invalidate();
      onCreated(created);
    } catch {
      // Shown below the form from create.error.
    }
  }
  return { create, send };
}

function describedByOf(id: string, errors: WebhookFormErrors, field: keyof WebhookFormErrors, hint?: string) {
  return [errors[field] ? `${id}-${field}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;
}

/** The endpoint's URL and description. */
function EndpointFields({
  id,
  values,
  errors,
  setValues,
  first,
}: {
  id: string;
  values: WebhookFormValues;
  errors: WebhookFormErrors;
  setValues: Dispatch<SetStateAction<WebhookFormValues>>;
  first: RefObject<HTMLInputElement | null>;
}) {
  const describedBy = (field: keyof WebhookFormErrors, hint?: string) =>
    describedByOf(id, errors, field, hint);
  const fieldError = (field: keyof WebhookFormErrors) =>
    errors[field] && (
      <p className="field__error" id={`${id}-${field}-error`}>
        {errors[field]}
      </p>
    );
  return (
    <>
      <div className="field webhook-form__wide">
        <label className="field__label" htmlFor={`${id}-url`}>
          URL
        </label>
        <input
          ref={first}
          id={`${id}-url`}
          className="input"
          type="url"
          autoComplete="off"
          placeholder="https://example.com/stockroom/webhooks"
          value={values.url}
          aria-invalid={errors.url ? true : undefined}
          aria-describedby={describedBy('url', `${id}-url-hint`)}
          onChange={(e) => {
            const url = e.currentTarget.value;
            setValues((v) => ({ ...v, url }));
          }}
        />
        <p className="field__hint text-muted" id={`${id}-url-hint`}>
          In production only https URLs of public addresses are accepted.
        </p>
        {fieldError('url')}
      </div>
      <div className="field webhook-form__wide">
        <label className="field__label" htmlFor={`${id}-description`}>
          Description (optional)
        </label>
        <input
          id={`${id}-description`}
          className="input"
          autoComplete="off"
          value={values.description}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={describedBy('description')}
          onChange={(e) => {
            const description = e.currentTarget.value;
            setValues((v) => ({ ...v, description }));
          }}
        />
        {fieldError('description')}
      </div>
    </>
  );
}

/** Register an endpoint (admins). On success the signing secret is handed to `onCreated`, the only time it is seen. */
export function WebhookForm({
  onCreated,
  onCancel,
}: {
  onCreated: (created: CreatedWebhook) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [values, setValues] = useState<WebhookFormValues>(emptyWebhookForm);
  const [errors, setErrors] = useState<WebhookFormErrors>({});
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => first.current?.focus(), []);

  const submit = useCreateWebhook(onCreated);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateWebhookForm(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    void submit.send(values);
  }

  const toggle = (value: WebhookFormValues['events'][number], on: boolean) =>
    setValues((v) => ({ ...v, events: on ? [...v.events, value] : v.events.filter((e) => e !== value) }));
  const describedBy = (field: keyof WebhookFormErrors) => describedByOf(id, errors, field);
  const fieldError = (field: keyof WebhookFormErrors) =>
    errors[field] && (
      <p className="field__error" id={`${id}-${field}-error`}>
        {errors[field]}
      </p>
    );

  return (
    <section className="card webhook-panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`}>Add an endpoint</h2>
        <button type="button" className="button button--small button--ghost" onClick={onCancel}>
          Cancel
        </button>
      </header>
      <form className="webhook-form" onSubmit={onSubmit} noValidate>
        <EndpointFields id={id} values={values} errors={errors} setValues={setValues} first={first} />
        <fieldset
          className="webhook-form__wide"
          aria-invalid={errors.events ? true : undefined}
          aria-describedby={describedBy('events')}
        >
          <legend>Events</legend>
          {WEBHOOK_EVENT_TYPES.map((event) => (
            <label key={event.value} className="checkbox">
              <input
                type="checkbox"
                checked={values.events.includes(event.value)}
                onChange={(e) => toggle(event.value, e.currentTarget.checked)}
              />
              <span>
                <code>{event.value}</code>
                {event.hint && <span className="text-muted"> — {event.hint}</span>}
              </span>
            </label>
          ))}
          {fieldError('events')}
        </fieldset>
        <div className="webhook-form__wide button-row">
          <button type="submit" className="button button--primary" disabled={submit.create.isPending}>
            {submit.create.isPending ? 'Adding…' : 'Add endpoint'}
          </button>
        </div>
      </form>
      <ErrorMessage error={submit.create.error} />
    </section>
  );
}

/** The signing secret of an endpoint just added: shown this once, with a copy button. */
export function SecretPanel({ created, onDone }: { created: CreatedWebhook; onDone: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const done = useRef<HTMLButtonElement>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <section className="card webhook-panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`}>Signing secret</h2>
      </header>
      <div className="alert alert--warning" role="note">
        Copy this secret now: it is shown only once. Your receiver verifies each delivery with it (see
        docs/webhooks.md).
      </div>
      <p className="text-muted">
        Endpoint <span className="cell-wrap">{created.url}</span>
      </p>
      {created.previousSecretValidUntil && (
        <p className="text-muted">
          A new secret: the old one also signs deliveries until{' '}
          {formatDateTime(created.previousSecretValidUntil)}. Switch your receivers to this one before then.
        </p>
      )}
      <div className="webhook-secret">
        <input
          className="input webhook-secret__value"
          aria-label="Secret"
          readOnly
          value={created.secret}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="button button--small" onClick={copy}>
          Copy
        </button>
        <span role="status" className="text-muted">
          {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Copy failed: select the text instead' : ''}
        </span>
      </div>
      <div className="button-row">
        <button ref={done} type="button" className="button button--primary" onClick={onDone}>
          Done, I saved it
        </button>
      </div>
    </section>
  );
}
