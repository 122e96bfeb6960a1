import { type FormEvent, type InputHTMLAttributes, useId, useState } from 'react';
import { type CredentialErrors, type Credentials, validateCredentials } from './sign-in';

interface SignInPageProps {
  /** Signs in; a rejection's message is shown above the form. */
  onSubmit: (credentials: Credentials) => Promise<void>;
  /** Why the person is here again (an expired session), shown above the form. */
  notice?: string | null;
  /** Show the demo logins (development only: production has no demo seed). */
  showDemoHint?: boolean;
}

function CredentialField({
  id,
  name,
  label,
  error,
  inputProps,
}: {
  id: string;
  name: keyof Credentials;
  label: string;
  error: string | undefined;
  inputProps: InputHTMLAttributes<HTMLInputElement>;
}) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-${name}`}>
        {label}
      </label>
      <input className="input" {...inputProps} />
      {error && (
        <p className="field__error" id={`${id}-${name}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The form's values and errors, and a submit that checks them before signing in. */
function useSignIn(onSubmit: SignInPageProps['onSubmit']) {
  const [values, setValues] = useState<Credentials>({ email: '', password: '' });
  const [fieldErrors, setFieldErrors] = useState<CredentialErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const errors = validateCredentials(values);
    setFieldErrors(errors);
    setFormError(null);
    if (Object.keys(errors).length > 0) return;
    setPending(true);
    try {
      await onSubmit({ email: values.email.trim(), password: values.password });
    } catch (error) {
      setFormError(error instanceof Error ? error.message : 'Signing in failed. Try again.');
    } finally {
      setPending(false);
    }
  }
  return { values, setValues, fieldErrors, formError, pending, handleSubmit };
}

export function SignInPage({ onSubmit, notice = null, showDemoHint = false }: SignInPageProps) {
  const id = useId();
  const { values, setValues, fieldErrors, formError, pending, handleSubmit } = useSignIn(onSubmit);

  function field(name: keyof Credentials) {
    const error = fieldErrors[name];
    return {
      id: `${id}-${name}`,
      name,
      value: values[name],
      'aria-invalid': error ? true : undefined,
      'aria-describedby': error ? `${id}-${name}-error` : undefined,
      onChange: (event: { currentTarget: HTMLInputElement }) => {
        const { value } = event.currentTarget;
        setValues((current) => ({ ...current, [name]: value }));
      },
    };
  }

  return (
    <section className="auth-layout" aria-labelledby={`${id}-title`}>
      <div className="card auth-card">
        <header className="auth-card__header">
          <h1 id={`${id}-title`}>Sign in</h1>
          <p className="text-muted">Use your Stockroom staff account.</p>
        </header>

        {notice && !formError && (
          <div className="alert alert--warning" role="status">
            {notice}
          </div>
        )}

        {formError && (
          <div className="alert alert--error" role="alert">
            {formError}
          </div>
        )}

        <form className="stack" onSubmit={handleSubmit} noValidate>
          <CredentialField
            id={id}
            name="email"
            label="Email"
            error={fieldErrors.email}
            inputProps={{ type: 'email', autoComplete: 'username', inputMode: 'email', ...field('email') }}
          />

          <CredentialField
            id={id}
            name="password"
            label="Password"
            error={fieldErrors.password}
            inputProps={{ type: 'password', autoComplete: 'current-password', ...field('password') }}
          />

          <button className="button button--primary button--block" type="submit" disabled={pending}>
            {pending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>

        {showDemoHint && (
          <p className="auth-card__hint text-muted">
            Demo accounts: <code>admin@example.com</code>, <code>staff@example.com</code> — password{' '}
            <code>stockroom</code>
          </p>
        )}
      </div>
    </section>
  );
}
