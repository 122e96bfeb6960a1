export interface Credentials {
  email: string;
  password: string;
}

export type CredentialErrors = Partial<Record<keyof Credentials, string>>;

// Deliberately loose: the API is the authority; this only catches obvious typos early.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Field errors for the sign-in form; an empty object means the form may be sent. */
export function validateCredentials(values: Credentials): CredentialErrors {
  const errors: CredentialErrors = {};
  const email = values.email.trim();
  if (email === '') errors.email = 'Enter your email address.';
  else if (!EMAIL_SHAPE.test(email)) errors.email = 'Enter an email address like name@example.com.';
  if (values.password === '') errors.password = 'Enter your password.';
  return errors;
}
