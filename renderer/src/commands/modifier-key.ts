// The name of the key that goes with K or F for shortcuts: ⌘ on a Mac, Ctrl elsewhere.

export function modifierKeyLabel(): string {
  return /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';
}
