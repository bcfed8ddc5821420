// Which app-wide shortcut a key press is, if any: pure, so the unit tests can press every key.

export type GlobalShortcut = 'palette' | 'shortcuts';

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** The press landed in a field that takes text (where '?' is a character, not a shortcut). */
  readonly inTextField: boolean;
}

/** Ctrl+K (Cmd+K on a Mac) opens the command palette, anywhere; '?' shows the shortcuts, outside text fields. */
export function globalShortcut(press: KeyPress): GlobalShortcut | null {
  if ((press.ctrlKey || press.metaKey) && !press.altKey && press.key.toLowerCase() === 'k') return 'palette';
  if (press.key === '?' && !press.ctrlKey && !press.metaKey && !press.altKey && !press.inTextField) return 'shortcuts';
  return null;
}
