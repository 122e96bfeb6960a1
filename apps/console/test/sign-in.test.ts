import { describe, expect, it } from 'vitest';
import { validateCredentials } from '../src/auth/sign-in';

describe('validateCredentials', () => {
  it('accepts an email address and a password', () => {
    expect(validateCredentials({ email: ' staff@example.com ', password: 'stockroom' })).toEqual({});
  });

  it('asks for both fields when the form is empty', () => {
    expect(validateCredentials({ email: '   ', password: '' })).toEqual({
      email: 'Enter your email address.',
      password: 'Enter your password.',
    });
  });

  it('rejects an email address without a domain', () => {
    const errors = validateCredentials({ email: 'staff@', password: 'x' });
    expect(errors.email).toMatch(/name@example\.com/);
    expect(errors.password).toBeUndefined();
  });

  it('keeps whitespace in passwords significant', () => {
    expect(validateCredentials({ email: 'a@b.co', password: ' ' })).toEqual({});
  });
});
