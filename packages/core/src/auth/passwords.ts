/**
 * Password rules after NIST SP 800-63B: a minimum length, no composition rules,
 * and a refusal of passwords that are known to be common or that are built from
 * what an attacker knows about the account (its email, its name, the product).
 * The common list is zxcvbn-ts's (the most common passwords of public breaches).
 */
import { hashPassword, PasswordHashBusyError, verifyPassword } from '@stockroom/db';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { z } from 'zod';
import { DomainError, validationFailed } from '../shared/errors.js';

const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 200;

let common: Set<string> | undefined;

/** Whether this password (ignoring case) is on the common-password list. */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}

/**
 * A pattern an attacker guesses early: repeats ("123123123123", "abc123abc123"),
 * sequences ("abcdefghijkl"), keyboard walks ("qwertyuiopas"), dictionary words
 * with common substitutions — zxcvbn (a maintained estimator, with the same
 * common-password dictionary) scores these 0–2 out of 4; we ask for 3.
 * Only the first 100 characters are scored (zxcvbn's cost grows with length;
 * a longer password is not guessable by pattern anyway).
 */
let estimator: ZxcvbnFactory | undefined;
const isGuessablePattern = (password: string) => {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator.check(password.slice(0, 100)).score < 3;
};

export const ZPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
  .refine(
    (p) => !isCommonPassword(p) && !isGuessablePattern(p),
    'this password is too common or too easy to guess; choose another',
  );

const letters = (text: string) => text.toLowerCase().replace(/[^\p{L}]+/gu, '');

/**
 * Whether the password is only the account's own words (email, its local part,
 * the name, "stockroom") with digits or symbols around them: "Stockroom2024!",
 * "jane.doe@example.com", "JaneDoeJaneDoe".
 */
export function isContextPassword(password: string, account: { email: string; name: string }): boolean {
  const rest = letters(password);
  if (rest.length === 0) return false;
  const local = account.email.split('@')[0] ?? '';
  const words = [
    account.email,
    local,
    ...local.split(/[^\p{L}]+/u),
    account.name,
    ...account.name.split(/\s+/),
    'stockroom',
  ]
    .map(letters)
    .filter((w) => w.length >= 3)
    .sort((a, b) => b.length - a.length);
  let left = rest;
  for (const word of words) left = left.split(word).join('');
  return left.length === 0;
}

/** Refuse a password built from the account's own email, name or the product's name. */
export function assertPasswordFitsAccount(password: string, account: { email: string; name: string }): void {
  if (isContextPassword(password, account)) {
    const message = 'this password is too easy to guess from your email or name; choose another';
    throw validationFailed(`password: ${message}`, { issues: [{ path: 'password', message }] });
  }
}

const busy = () =>
  new DomainError('RATE_LIMITED', 'The server is busy checking other passwords; try again in a second', {
    retryAfterSeconds: 1,
  });

/** hashPassword, with a full hashing queue answered as RATE_LIMITED. */
export async function hashNewPassword(password: string): Promise<string> {
  try {
    return await hashPassword(password);
  } catch (error) {
    throw error instanceof PasswordHashBusyError ? busy() : error;
  }
}

/** verifyPassword, with a full hashing queue answered as RATE_LIMITED. */
export async function checkPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verifyPassword(passwordHash, password);
  } catch (error) {
    throw error instanceof PasswordHashBusyError ? busy() : error;
  }
}
