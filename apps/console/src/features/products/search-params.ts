/** The search page's state lives in the URL (?q=&category=&warehouse=), so a search can be shared. */
export interface SearchState {
  q: string;
  category: string;
  warehouse: string;
}

export function readSearchState(params: URLSearchParams): SearchState {
  return {
    q: params.get('q') ?? '',
    category: params.get('category') ?? '',
    warehouse: params.get('warehouse') ?? '',
  };
}

/** Only the filters that are set, so a plain search has a plain URL. */
export function writeSearchState(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q.trim());
  if (state.category) params.set('category', state.category);
  if (state.warehouse) params.set('warehouse', state.warehouse);
  return params;
}
