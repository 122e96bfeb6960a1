/** The catalogue: warehouses, products and product search. */

export { listCategories, ZCategories } from './categories.js';
export { listMyProducts, ZMyProductsInput } from './mine.js';
export {
  archiveProduct,
  createProduct,
  getProduct,
  MAX_PRICE_MINOR,
  type ProductInput,
  updateProduct,
  ZProductInput,
  ZProductSkuInput,
  ZProductUpdateInput,
} from './products.js';
export {
  type SearchProductsInput,
  searchProducts,
  ZSearchProductsInput,
} from './search.js';
export { queryWords } from './search-terms.js';
export { resolveWarehouseRefs } from './warehouse-refs.js';
export {
  createWarehouse,
  getWarehouse,
  listWarehouses,
  updateWarehouse,
  ZWarehouseInput,
  ZWarehouseUpdateInput,
} from './warehouses.js';
