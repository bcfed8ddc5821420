// What a key does on a focused chart: pure, so the unit tests can press every key without a DOM.

/** The tooltip moves to a sample, a sample is picked (the logs move there), or the tooltip hides. */
export type ChartKeyAction = { readonly kind: 'show'; readonly index: number } | { readonly kind: 'pick'; readonly index: number } | { readonly kind: 'hide' };

/** PageUp/PageDown move this share of the points. */
const PAGE_SHARE = 0.1;

/**
 * The action for `key` when the tooltip shows sample `current` (null: no tooltip yet) of `count`
 * samples, or null when the key is not the chart's. The first ← shows the latest sample and the first
 * → the earliest, so either arrow starts from the end a user expects.
 */
export function chartKeyAction(key: string, current: number | null, count: number): ChartKeyAction | null {
  if (count === 0) return null;
  const last = count - 1;
  const page = Math.max(1, Math.round(count * PAGE_SHARE));
  switch (key) {
    case 'ArrowLeft':
      return { kind: 'show', index: current === null ? last : Math.max(0, current - 1) };
    case 'ArrowRight':
      return { kind: 'show', index: current === null ? 0 : Math.min(last, current + 1) };
    case 'PageUp':
      return { kind: 'show', index: Math.max(0, (current ?? last) - page) };
    case 'PageDown':
      return { kind: 'show', index: Math.min(last, (current ?? 0) + page) };
    case 'Home':
      return { kind: 'show', index: 0 };
    case 'End':
      return { kind: 'show', index: last };
    case 'Enter':
    case ' ':
      return current === null ? null : { kind: 'pick', index: current };
    case 'Escape':
      return current === null ? null : { kind: 'hide' };
    default:
      return null;
  }
}
