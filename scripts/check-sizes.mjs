#!/usr/bin/env node
// `pnpm sizes`: no source file over 400 lines, no function over 80 lines.
//
// Tests, migrations and generated files are left out. A function is every
// declaration, expression, arrow, method, accessor and constructor; its size is
// the lines from its first to its last character, comments and blank lines
// included (what ESLint's `max-lines-per-function` counts by default), and a
// function's size includes the functions written inside it.
//
// Parses with the TypeScript compiler the repo already uses, so it needs no
// extra tool. Prints the five largest files and every function over the limit;
// exits 1 when anything is over.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

const root = fileURLToPath(new URL('..', import.meta.url));
const roots = ['apps', 'packages'].flatMap((dir) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, dir, entry.name, 'src')),
);

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs)$/;
const LEFT_OUT = [
  /\.(test|spec)\.[cm]?[jt]sx?$/, // tests
  /\.d\.ts$/, // declarations
  /\.gen\.[jt]sx?$/, // generated (e.g. TanStack Router's routeTree.gen.ts)
  /(^|\/)(test|tests|__tests__|e2e|migrations|generated|dist|node_modules)\//,
];

function* sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a package without src/
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (SOURCE.test(entry.name)) yield path;
  }
}

const isLeftOut = (path) => LEFT_OUT.some((pattern) => pattern.test(`${relative(root, path)}`));

function functionName(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name)
    return parent.name.getText();
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText();
    return `(callback of ${callee.length > 40 ? `${callee.slice(0, 40)}…` : callee})`;
  }
  return '(anonymous)';
}

function measure(path) {
  const text = readFileSync(path, 'utf8');
  const kind = path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const lineOf = (pos) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const functions = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = lineOf(node.getStart(source));
      const lines = lineOf(node.getEnd()) - start + 1;
      functions.push({ name: functionName(node), line: start, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const lines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
  return { path: relative(root, path), lines, functions };
}

const files = roots
  .flatMap((dir) => [...sourceFiles(dir)])
  .filter((path) => !isLeftOut(path))
  .map(measure);

const largest = [...files].sort((a, b) => b.lines - a.lines).slice(0, 5);
console.log(`Largest of ${files.length} source files (limit ${MAX_FILE_LINES} lines):`);
for (const file of largest) console.log(`  ${String(file.lines).padStart(5)}  ${file.path}`);

const longFiles = files.filter((file) => file.lines > MAX_FILE_LINES);
const longFunctions = files
  .flatMap((file) => file.functions.map((fn) => ({ ...fn, path: file.path })))
  .filter((fn) => fn.lines > MAX_FUNCTION_LINES)
  .sort((a, b) => b.lines - a.lines);

if (longFiles.length > 0) {
  console.log(`\nFiles over ${MAX_FILE_LINES} lines:`);
  for (const file of longFiles) console.log(`  ${String(file.lines).padStart(5)}  ${file.path}`);
}
if (longFunctions.length > 0) {
  console.log(`\nFunctions over ${MAX_FUNCTION_LINES} lines:`);
  for (const fn of longFunctions)
    console.log(`  ${String(fn.lines).padStart(5)}  ${fn.path}:${fn.line}  ${fn.name}`);
}

if (longFiles.length > 0 || longFunctions.length > 0) {
  console.log(
    `\n${longFiles.length} file(s) over ${MAX_FILE_LINES} lines, ${longFunctions.length} function(s) over ${MAX_FUNCTION_LINES} lines.`,
  );
  process.exit(1);
}
console.log(`\nNo file over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES} lines.`);
