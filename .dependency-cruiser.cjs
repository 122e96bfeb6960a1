/**
 * The floors of the house, checked on every `pnpm deps` (dependency-cruiser).
 *
 * Packages, bottom to top: db → core → api → console. A floor imports only
 * from floors below it; the console imports the API's types only.
 *
 * Inside core, domain folders have floors too (bottom to top, below). A folder
 * imports only from lower floors, and only through the other folder's
 * index.ts (its public surface); `shared/` is the kernel every folder uses.
 * Nothing in core imports core's own root index.ts (that is the apps' door).
 */
const CORE = '^packages/core/src/';
const coreFloors = [
  ['shared'],
  ['idempotency', 'events'],
  ['ledger', 'catalog', 'auth', 'audit'],
  ['holds'],
  ['waitlist'],
  ['inventory', 'orders'],
  ['reservations'],
  ['reports'],
];

const folderRules = coreFloors
  .flatMap((floor, level) =>
    floor.map((folder) => {
      const siblings = floor.filter((f) => f !== folder);
      const above = [...coreFloors.slice(level + 1).flat(), ...siblings];
      return {
        name: `core-${folder}-floor`,
        comment: `core/${folder} may import only from folders on lower floors (not ${above.join(', ')})`,
        severity: 'error',
        from: { path: `${CORE}${folder}/` },
        to: { path: `${CORE}(${above.join('|')})/` },
      };
    }),
  )
  .filter((rule) => !rule.to.path.includes('()'));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, anywhere.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'db-stays-at-the-bottom',
      comment: 'packages/db knows tables and connections, never the business or the apps.',
      severity: 'error',
      from: { path: '^packages/db/' },
      to: { path: '^(packages/core|apps)/' },
    },
    {
      name: 'core-below-the-apps',
      comment: 'packages/core never imports an app.',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^apps/' },
    },
    {
      name: 'api-below-the-console',
      severity: 'error',
      from: { path: '^apps/api/' },
      to: { path: '^apps/console/' },
    },
    {
      name: 'console-imports-types-only',
      comment: 'The console talks to the API through the typed client: `import type` only.',
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { path: '^(apps/api|packages/core|packages/db)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-through-index',
      comment: 'A core folder uses another only through its index.ts (shared/ excepted).',
      severity: 'error',
      from: { path: `${CORE}([^/]+)/` },
      to: { path: CORE, pathNot: [`${CORE}$1/`, `${CORE}shared/`, `${CORE}[^/]+/index\\.ts$`] },
    },
    {
      name: 'core-not-through-its-root',
      comment: "Core's root index.ts is the apps' door; core itself imports the folders.",
      severity: 'error',
      from: { path: CORE },
      to: { path: `${CORE}index\\.ts$` },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing cannot be checked (and would fail at run time).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'src-not-to-tests',
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/' },
      to: { path: '(^(packages|apps)/[^/]+/(test|e2e|chaos)/)|\\.test\\.tsx?$' },
    },
    ...folderRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|coverage|test-results|playwright-report)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
