/** Inventory, the use cases: receive, adjust, set and sync counts; read levels and the ledger. */
export { adjustStock, receiveStock, setStock, syncStock } from './changes.js';
export { setLocation, ZLocationOut, ZSetLocationInput } from './locations.js';
export { getStockLevel, listMovements, listStockLevels, readStockLevel } from './queries.js';
export {
  ZAdjustInput,
  ZInventoryListInput,
  ZMovementsInput,
  ZReceiveInput,
  ZSetInput,
  ZStockKey,
  ZSyncInput,
} from './schemas.js';
export { previewSync, ZSyncPreview, ZSyncPreviewInput } from './sync-preview.js';
