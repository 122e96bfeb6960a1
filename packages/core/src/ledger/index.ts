/** The stock ledger: the one way stock levels change, each change with its movement and event. */
export {
  applyStockChanges,
  type ChangedLevel,
  ensureStockLevels,
  type StockChange,
} from './stock-change.js';
