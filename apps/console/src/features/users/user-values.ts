import type { RouterInputs, RouterOutputs } from '../../trpc';

export type User = RouterOutputs['users']['list'][number];
export type Role = User['role'];

export const ROLES: { value: Role; label: string; hint: string }[] = [
  { value: 'admin', label: 'Admin', hint: 'everything, including users' },
  { value: 'staff', label: 'Staff', hint: 'stock and orders at their warehouses' },
  { value: 'seller', label: 'Seller', hint: 'the catalogue' },
  { value: 'buyer', label: 'Buyer', hint: 'shops through the store' },
];

/** The API's rule (NIST SP 800-63B): length, and not a common password (the API checks that). */
export const PASSWORD_MIN_LENGTH = 12;

export interface UserFormValues {
  email: string;
  name: string;
  role: Role;
  warehouseIds: string[];
  password: string;
}

export type UserFormErrors = Partial<Record<'email' | 'name' | 'password' | 'warehouseIds', string>>;

export const emptyUserForm: UserFormValues = {
  email: '',
  name: '',
  role: 'staff',
  warehouseIds: [],
  password: '',
};

export const userToForm = (user: User): UserFormValues => ({
  email: user.email,
  name: user.name,
  role: user.role,
  warehouseIds: [...user.warehouseIds],
  password: '',
});

/** What can be told before asking the API; the API checks again (and knows the common passwords). */
export function validateUserForm(values: UserFormValues, creating: boolean): UserFormErrors {
  const errors: UserFormErrors = {};
  if (creating && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim()))
    errors.email = 'Enter an email address, like jane@example.com.';
  if (values.name.trim().length === 0) errors.name = 'Enter a name.';
  if (creating && values.password.length < PASSWORD_MIN_LENGTH)
    errors.password = `The password must be at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (values.role === 'staff' && values.warehouseIds.length === 0)
    errors.warehouseIds = 'Pick at least one warehouse: staff act only where they work.';
  return errors;
}

/** Warehouses matter for staff only; other roles are saved with none. */
const scope = (values: UserFormValues) => (values.role === 'staff' ? values.warehouseIds : []);

export function formToCreateInput(values: UserFormValues): RouterInputs['users']['create'] {
  return {
    email: values.email.trim(),
    name: values.name.trim(),
    role: values.role,
    warehouseIds: scope(values),
    password: values.password,
  };
}

export function formToUpdateInput(user: User, values: UserFormValues): RouterInputs['users']['update'] {
  return { id: user.id, name: values.name.trim(), role: values.role, warehouseIds: scope(values) };
}
