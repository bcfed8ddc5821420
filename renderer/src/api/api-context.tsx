import { createContext, useContext, type ReactNode } from 'react';
import type { BerthApi } from '../../../shared';

const ApiContext = createContext<BerthApi | null>(null);

export function ApiProvider({ api, children }: { api: BerthApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The one API the renderer talks to: preload IPC in the desktop app, HTTP/SSE in browser mode. */
export function useApi(): BerthApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() outside <ApiProvider>.');
  return api;
}
