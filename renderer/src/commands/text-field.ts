// Where typed characters belong to a field, so a one-key shortcut must leave them alone.

/**
 * Whether `target` takes typed text. The log terminal's hidden textarea does not count: the terminal
 * takes no input, so '?' there is the shortcut.
 */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.classList.contains('xterm-helper-textarea')) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
}
