/**
 * `pnpm stockroom <command>`: administer an install from a shell, against
 * DATABASE_URL (or the embedded development database, as `pnpm db:migrate`
 * uses). Acts as `system:cli`. Exit codes: 0 done, 1 refused or failed, 2 bad usage.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createServiceToken,
  createUser,
  DomainError,
  disableUser,
  listServiceTokens,
  type MutationContext,
  resetPassword,
  revokeServiceToken,
  rotateServiceToken,
  SERVICE_SCOPES,
  SYSTEM_CLI,
} from '@stockroom/core';
import {
  createDb,
  type Db,
  type EmbeddedServer,
  migrationsCurrent,
  startEmbeddedPostgres,
} from '@stockroom/db';
import pg from 'pg';

const USAGE = `usage: pnpm stockroom <command> [options]

  create-user    --email E --name N --role admin|staff|seller|buyer [--warehouse CODE]...
                 [--password-stdin | --password P]   (neither: a password is generated and printed)
  reset-password --email E [--password-stdin | --password P]
  disable-user   --email E
  create-token   --name N --scope S [--scope S]... [--warehouse CODE]... [--expires ISO-8601]
                 scopes: ${SERVICE_SCOPES.join(', ')}; no --warehouse = every warehouse.
                 Prints the token once (stdout; details on stderr).
  list-tokens    [--all]   (--all includes revoked tokens)
  rotate-token   --id ID | --name N [--grace SECONDS]   (old token valid for the grace, default 86400)
  revoke-token   --id ID | --name N

Database: DATABASE_URL, else the embedded development database (.data/pg).`;

class UsageError extends Error {}

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  warehouse: { type: 'string', multiple: true },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  scope: { type: 'string', multiple: true },
  expires: { type: 'string' },
  id: { type: 'string' },
  grace: { type: 'string' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function required(values: Values, name: 'email' | 'name' | 'role'): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The password to set, and whether it was generated (then it is printed once). */
async function passwordOf(values: Values): Promise<{ password: string; generated: boolean }> {
  if (values['password-stdin'] && values.password !== undefined) {
    throw new UsageError('give --password-stdin or --password, not both');
  }
  if (values['password-stdin']) return { password: await readStdin(), generated: false };
  if (values.password !== undefined) return { password: values.password, generated: false };
  return { password: randomBytes(18).toString('base64url'), generated: true };
}

async function warehouseIdsOf(db: Db, codes: string[] | undefined): Promise<string[] | undefined> {
  if (!codes || codes.length === 0) return undefined;
  const upper = codes.map((c) => c.trim().toUpperCase());
  const rows = await db.selectFrom('warehouses').select(['id', 'code']).where('code', 'in', upper).execute();
  const unknown = upper.filter((code) => !rows.some((r) => r.code === code));
  if (unknown.length > 0) throw new UsageError(`unknown warehouse code: ${unknown.join(', ')}`);
  return upper.map((code) => rows.find((r) => r.code === code)?.id as string);
}

async function tokenIdOf(db: Db, values: Values): Promise<string> {
  if (values.id && values.name) throw new UsageError('give --id or --name, not both');
  if (values.id) return values.id;
  if (!values.name) throw new UsageError('--id or --name is required');
  const row = await db
    .selectFrom('serviceTokens')
    .select('id')
    .where('name', '=', values.name)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  if (!row) throw new UsageError(`no active service token named "${values.name}"`);
  return row.id;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

type Command = (values: Values, ctx: MutationContext) => Promise<void>;

/** One entry per command (see USAGE). */
const COMMANDS: Record<string, Command> = {
  'create-user': async (values, ctx) => {
    const email = required(values, 'email');
    const { password, generated } = await passwordOf(values);
    const warehouseIds = (await warehouseIdsOf(ctx.db, values.warehouse)) ?? [];
    const user = await createUser(ctx, {
      email,
      name: required(values, 'name'),
      role: required(values, 'role') as 'admin',
      password,
      warehouseIds,
    });
    log(`created ${user.role} ${user.email} (id ${user.id})`);
    if (generated) console.log(password);
  },
  'reset-password': async (values, ctx) => {
    const { password, generated } = await passwordOf(values);
    const user = await resetPassword(ctx, { email: required(values, 'email'), password });
    log(`password reset for ${user.email}`);
    if (generated) console.log(password);
  },
  'disable-user': async (values, ctx) => {
    const user = await disableUser(ctx, { email: required(values, 'email') });
    log(`disabled ${user.email}; its sessions are refused from now on`);
  },
  'create-token': async (values, ctx) => {
    const scopes = (values.scope ?? []).flatMap((s) => s.split(',')).map((s) => s.trim());
    if (scopes.length === 0) throw new UsageError(`--scope is required (${SERVICE_SCOPES.join(', ')})`);
    const token = await createServiceToken(ctx, {
      name: required(values, 'name'),
      scopes: scopes as (typeof SERVICE_SCOPES)[number][],
      warehouseIds: (await warehouseIdsOf(ctx.db, values.warehouse)) ?? null,
      expiresAt: values.expires ?? null,
    });
    log(
      `created service token "${token.name}" (id ${token.id}, ${token.prefix}…) scopes ${token.scopes.join(',')}` +
        ` warehouses ${token.warehouseIds?.join(',') ?? 'all'} expires ${token.expiresAt ?? 'never'}`,
    );
    log('the token is shown this once; store it in your secret manager:');
    console.log(token.token);
  },
  'list-tokens': async (values, ctx) => {
    let cursor: string | undefined;
    console.log(
      ['id', 'name', 'prefix', 'status', 'scopes', 'warehouses', 'expires', 'last used'].join('\t'),
    );
    do {
      const page = await listServiceTokens(ctx.db, SYSTEM_CLI, {
        includeRevoked: values.all,
        limit: 100,
        cursor,
      });
      for (const t of page.items) {
        const fields = [
          t.id,
          t.name,
          t.prefix,
          t.status,
          t.scopes.join(','),
          t.warehouseIds?.join(',') ?? 'all',
        ];
        console.log([...fields, t.expiresAt ?? '-', t.lastUsedAt ?? 'never'].join('\t'));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  },
  'rotate-token': async (values, ctx) => {
    const grace = values.grace === undefined ? undefined : Number(values.grace);
    if (grace !== undefined && !Number.isInteger(grace)) throw new UsageError('--grace is whole seconds');
    const token = await rotateServiceToken(ctx, { id: await tokenIdOf(ctx.db, values), graceSeconds: grace });
    log(`rotated "${token.name}"; the old token is accepted until ${token.previousValidUntil}`);
    console.log(token.token);
  },
  'revoke-token': async (values, ctx) => {
    const token = await revokeServiceToken(ctx, { id: await tokenIdOf(ctx.db, values) });
    log(`revoked "${token.name}" (${token.prefix}…) at ${token.revokedAt}`);
  },
};

async function run(command: string, values: Values, db: Db): Promise<void> {
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!handler) throw new UsageError(`unknown command: ${command}`);
  await handler(values, { db, actor: SYSTEM_CLI });
}

/** DATABASE_URL; else a running embedded dev server (pnpm start); else start it. */
async function connect(): Promise<{ url: string; embedded?: EmbeddedServer }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const running = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const probe = new pg.Client({ connectionString: running, connectionTimeoutMillis: 1000 });
  const reachable = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => {});
  if (reachable) return { url: running };
  const dataDir = path.join(
    process.env.DATA_DIR ?? path.resolve(import.meta.dirname, '../../../.data'),
    'pg',
  );
  const embedded = await startEmbeddedPostgres({ dataDir, port });
  return { url: embedded.url, embedded };
}

async function main(argv: string[]): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    log(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...extra] = parsed.positionals;
  if (parsed.values.help || !command) {
    log(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  if (extra.length > 0) {
    log(`unexpected argument: ${extra.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  const { url, embedded } = await connect();
  const { db } = createDb({ connectionString: url, max: 2, applicationName: 'stockroom-cli' });
  try {
    if (!(await migrationsCurrent(db))) {
      log('the database is not migrated: run `pnpm db:migrate` first');
      return 1;
    }
    await run(command, parsed.values, db);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      log(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DomainError) {
      log(`${error.code}: ${error.message}`);
      return 1;
    }
    log(`failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

process.exitCode = await main(process.argv.slice(2));
