import { useSyncExternalStore } from 'react';
// The OS's light or dark preference. CSS follows it by itself (app.css); code that paints with colours
// of its own (the terminal) asks here and listens for changes.

export type ColorScheme = 'dark' | 'light';

const LIGHT_QUERY = '(prefers-color-scheme: light)';

/** The scheme in use: light only when the OS asks for it, as the app was dark-only before. */
export function currentColorScheme(): ColorScheme {
  return typeof window !== 'undefined' && window.matchMedia?.(LIGHT_QUERY).matches ? 'light' : 'dark';
}

/** Calls `listener` whenever the OS switches between light and dark; returns the unsubscribe. */
export function onColorSchemeChange(listener: (scheme: ColorScheme) => void): () => void {
  const query = window.matchMedia(LIGHT_QUERY);
  const onChange = () => listener(query.matches ? 'light' : 'dark');
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** The scheme in use, for React: re-renders when the OS switches (charts and panels that paint their own colours). */
export function useColorScheme(): ColorScheme {
  return useSyncExternalStore(
    (listener) => (typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? onColorSchemeChange(listener) : () => undefined),
    currentColorScheme,
    currentColorScheme,
  );
}
