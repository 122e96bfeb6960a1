/** Inventory, the use cases: receive, adjust, set and sync counts; read levels and the ledger. */
export { adjustStock, receiveStock, setStock, syncStock } from './changes.js';
export { getStockLevel, listMovements, listStockLevels } from './queries.js';
export {
  type AdjustInput,
  type InventoryListInput,
  type Movement,
  type MovementsInput,
  type ReceiveInput,
  type SetInput,
  type SyncInput,
  type SyncResult,
  ZAdjustInput,
  ZInventoryListInput,
  ZMovementsInput,
  ZReceiveInput,
  ZSetInput,
  ZStockKey,
  ZSyncInput,
} from './schemas.js';
