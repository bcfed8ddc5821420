import { useEffect } from 'react';

/**
 * Runs `load` now and again whenever the window regains focus: events missed while the window was in
 * the background, or while the event stream reconnected, are caught up that way.
 */
export function useLoadAndRefreshOnFocus(load: () => Promise<void>): void {
  useEffect(() => void load(), [load]);
  useEffect(() => {
    const onFocus = () => void load();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [load]);
}
