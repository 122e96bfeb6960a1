/** The stock ledger: the one way stock levels change, each change with its movement and event. */
export {
  type ApplyResult,
  applyStockChanges,
  type ChangedLevel,
  type ChangeOutcome,
  ensureStockLevels,
  type StockChange,
} from './stock-change.js';
