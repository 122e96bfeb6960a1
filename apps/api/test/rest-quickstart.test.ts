/**
 * The README's "REST quick start", run as printed: its shell block is parsed
 * (assignments, `$(curl … | jq -r .field)` captures, plain curl commands), the
 * host replaced by a test API's, and each curl run by the real `curl` binary.
 * Every command must answer 2xx, and the effects must be there: the count
 * synced, the hold confirmed, the order paid.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON bodies of every shape
type Json = any;

const run = promisify(execFile);
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

/** The shell block under "## REST quick start", one command per entry (continuations joined). */
async function quickStartCommands(): Promise<string[]> {
  const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n## REST quick start\n')[1];
  const block = section?.match(/```sh\n([\s\S]*?)\n```/)?.[1];
  if (!block) throw new Error('README.md has no shell block under "## REST quick start"');
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Shell words of one command: quotes, backslash escapes in double quotes, $VAR expansion outside single quotes. */
function words(command: string, vars: Record<string, string>): string[] {
  const out: string[] = [];
  let word: string | undefined;
  const expand = (text: string) =>
    text.replace(/\$\{?(\w+)\}?/g, (_m, name: string) => {
      if (!(name in vars)) throw new Error(`$${name} is used before it is set`);
      return vars[name] as string;
    });
  for (let i = 0; i < command.length; ) {
    const ch = command[i] as string;
    if (/\s/.test(ch)) {
      if (word !== undefined) out.push(word);
      word = undefined;
      i += 1;
    } else if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (command[j] !== '"') {
        if (command[j] === '\\') j += 1;
        text += command[j];
        j += 1;
      }
      word = (word ?? '') + expand(text);
      i = j + 1;
    } else {
      const match = /^[^\s'"]+/.exec(command.slice(i))?.[0] as string;
      word = (word ?? '') + expand(match);
      i += match.length;
    }
  }
  if (word !== undefined) out.push(word);
  return out;
}

/** Run one curl command (its words after `curl`); the answer must be 2xx JSON. */
async function curl(command: string, vars: Record<string, string>): Promise<Json> {
  const args = words(command, vars);
  expect(args[0]).toBe('curl');
  const { stdout } = await run('curl', [...args.slice(1), '-w', '\n%{http_code}']);
  const cut = stdout.lastIndexOf('\n');
  const status = Number(stdout.slice(cut + 1));
  const body = stdout.slice(0, cut);
  expect(status, `${command}\n→ ${status} ${body}`).toBeGreaterThanOrEqual(200);
  expect(status, `${command}\n→ ${status} ${body}`).toBeLessThan(300);
  return JSON.parse(body);
}

it('runs the README REST quick start as printed: every call 2xx, stock synced, hold confirmed, order paid', async () => {
  const commands = await quickStartCommands();
  const vars: Record<string, string> = {};
  const answers: { command: string; body: Json }[] = [];
  for (const command of commands) {
    const capture = /^(\w+)=\$\((curl .*) \| jq -r \.(\w+)\)$/.exec(command);
    const assign = /^(\w+)=(\S+)$/.exec(command);
    if (capture) {
      const [, name, inner, field] = capture as unknown as [string, string, string, string];
      const body = await curl(inner, vars);
      expect(body[field], `${inner} answers .${field}`).toEqual(expect.any(String));
      vars[name] = body[field];
      answers.push({ command: inner, body });
    } else if (assign) {
      const [, name, value] = assign as unknown as [string, string, string];
      // The host is the test API's.
      vars[name] =
        name === 'API' ? value.replace('http://localhost:3000', api.url) : (words(value, vars)[0] ?? '');
    } else {
      answers.push({ command, body: await curl(command, vars) });
    }
  }
  const calls = answers.map((a) => a.command.match(/\$API(\/[^\s"?]*)/)?.[1]);
  expect(calls).toEqual([
    '/auth/login',
    '/warehouses',
    '/stock/NYC-1/EL-HDP-001',
    '/stock/sync',
    '/reservations',
    '/reservations/$HOLD/confirm',
    '/checkout',
    '/checkout/$ORDER/payment-succeeded',
    '/orders',
  ]);

  // The effects, read back independently of the commands' answers.
  const service = api.client(SERVICE_TOKEN);
  const nyc = (await service.warehouses.list.query()).find((w) => w.code === 'NYC-1');
  const level = await service.inventory.get.query({ warehouseId: nyc?.id as string, sku: 'EL-HDP-001' });
  const synced = answers[3]?.body;
  expect(synced.changed).toHaveLength(1);
  expect(synced.changed[0]).toMatchObject({ warehouseId: nyc?.id, sku: 'EL-HDP-001', onHand: 40 });
  const movements = await service.inventory.movements.query({ warehouseId: 'NYC-1', sku: 'EL-HDP-001' });
  const sync = movements.items.filter((m) => m.kind === 'sync');
  expect(sync).toHaveLength(1);
  // Since the count, the confirmed hold and the paid order each sold a unit, or less from NYC-1.
  const soldSince = movements.items
    .filter((m) => m.id > (sync[0]?.id ?? 0))
    .reduce((sum, m) => sum + m.onHandDelta, 0);
  expect(level.onHand).toBe(40 + soldSince);
  expect(soldSince).toBeGreaterThanOrEqual(-2);
  expect(soldSince).toBeLessThanOrEqual(-1);

  const hold = await service.reservations.get.query({ id: vars.HOLD as string });
  expect(hold.status).toBe('confirmed');
  expect(hold.lines).toEqual([{ sku: 'EL-HDP-001', warehouseId: nyc?.id, quantity: 1 }]);

  const order = await service.orders.get.query({ id: vars.ORDER as string });
  expect(order.status).toBe('paid');
  const listed = answers[8]?.body;
  expect(listed.items.map((o: Json) => o.id)).toContain(vars.ORDER);
});
