import { useState } from 'react';
import { useUser } from '../../auth/session-context';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { UserForm } from './user-form';
import type { User } from './user-values';
import './users.css';

/** Disable or enable one account; a disabled account cannot sign in. */
function ActiveToggle({ user, self }: { user: User; self: boolean }) {
  const utils = trpc.useUtils();
  const update = trpc.users.update.useMutation({ onSettled: () => utils.users.list.invalidate() });
  if (self) return <span className="text-muted">you</span>;
  const next = !user.active;
  return (
    <>
      <button
        type="button"
        className={`button button--small${next ? '' : ' button--danger-outline'}`}
        aria-label={`${next ? 'Enable' : 'Disable'} ${user.email}`}
        disabled={update.isPending}
        onClick={() => update.mutate({ id: user.id, active: next, idempotencyKey: crypto.randomUUID() })}
      >
        {next ? 'Enable' : 'Disable'}
      </button>
      <ErrorMessage error={update.error} />
    </>
  );
}

function UserRow({ user: u, self, onEdit }: { user: User; self: boolean; onEdit: (user: User) => void }) {
  const { byId } = useWarehouses();
  return (
    <tr className={u.active ? undefined : 'user-row--disabled'}>
      <th scope="row">
        <span className="cell-wrap">{u.email}</span>
        <span className="text-muted"> {u.name}</span>
      </th>
      <td>
        <span className="badge">{u.role}</span>
      </td>
      <td>
        {u.warehouseIds.length === 0
          ? '—'
          : u.warehouseIds
              .map((w) => byId.get(w)?.code ?? w)
              .sort()
              .join(', ')}
      </td>
      <td>
        {u.active ? (
          <span className="badge badge--success">active</span>
        ) : (
          <span className="badge badge--muted">disabled</span>
        )}
      </td>
      <td>
        <button
          type="button"
          className="button button--small"
          aria-label={`Edit ${u.email}`}
          onClick={() => onEdit(u)}
        >
          Edit
        </button>
      </td>
      <td>
        <ActiveToggle user={u} self={self} />
      </td>
    </tr>
  );
}

export function UsersPage() {
  const me = useUser();
  const query = trpc.users.list.useQuery();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const users = query.data ?? [];

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Users"
        description="Who may sign in, with which role, and where staff may act. Disabled accounts cannot sign in."
        actions={
          <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
            Add user
          </button>
        }
      />
      {editing && (
        <UserForm
          key={editing === 'new' ? 'new' : editing.id}
          user={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {query.error && <ErrorMessage error={query.error} />}
      {!query.isPending && users.length === 0 && !query.error ? (
        <EmptyState title="No users yet">Add the first one above.</EmptyState>
      ) : (
        <section className="card panel" aria-labelledby="users-title">
          <header className="panel__header">
            <h2 id="users-title">All users</h2>
          </header>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Warehouses</th>
                  <th scope="col">Status</th>
                  <th scope="col">Edit</th>
                  <th scope="col">Access</th>
                </tr>
              </thead>
              <tbody>
                {query.isPending ? (
                  <SkeletonRows rows={4} columns={6} />
                ) : (
                  users.map((u) => <UserRow key={u.id} user={u} self={u.id === me.id} onEdit={setEditing} />)
                )}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
