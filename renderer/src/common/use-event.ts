import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../../shared';
import { useApi } from '../api/api-context';

/** Listens to one engine event for the life of the component; the latest listener is always used. */
export function useEngineEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const api = useApi();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => api.on(event, (payload) => latest.current(payload)), [api, event]);
}
