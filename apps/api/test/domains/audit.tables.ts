/**
 * The tables of the ledger audit and the race demo (audit.verify, demo.race):
 * who may call each procedure, and the malformed input each one refuses. Run
 * through createCaller by audit.test.ts; the REST routes and raw bodies are
 * sent over HTTP by http.test.ts.
 */
import { MAIN } from './kit/fixture.js';
import type { MutationSpec } from './kit/inputs.js';
import type { Row } from './kit/roles.js';

/** Who may call the ledger audit and the race demo. */
export const ROWS: Row[] = [
  { procedure: 'audit.verify', allowed: ['admin'], call: (c) => c.audit.verify() },
  {
    procedure: 'demo.race',
    allowed: ['admin'],
    call: (c, _who, fx) => c.demo.race({ sku: MAIN, warehouseId: fx.wh.nyc, buyers: 2, quantityEach: 1 }),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'demo.race',
    base: (fx) => ({ sku: 'EL-HDP-001', warehouseId: fx.nyc, buyers: 2, quantityEach: 1 }),
    fields: { sku: 'sku', warehouseId: 'uuid', buyers: 'smallCount', quantityEach: 'smallCount' },
    required: ['sku', 'warehouseId', 'buyers', 'quantityEach'],
    idempotent: true,
    // NOT_FOUND is the answer; VALIDATION_FAILED is accepted only while core's runRace hands its
    // whole input to getStockLevel's strict schema (every race is refused; see audit.test.ts).
    specials: [
      {
        label: 'an unknown product',
        input: (fx) => ({ sku: 'ZZ-NONE-001', warehouseId: fx.nyc, buyers: 2, quantityEach: 1 }),
        codes: ['NOT_FOUND', 'VALIDATION_FAILED'],
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ sku: 'EL-HDP-001', warehouseId: fx.unknownId, buyers: 2, quantityEach: 1 }),
        codes: ['NOT_FOUND', 'VALIDATION_FAILED'],
      },
    ],
  },
];
