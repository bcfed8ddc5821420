// A Compose stack's service names in the log viewer, the Services panel and the charts (docs/product-rules.md,
// "Compose stacks: services in logs and metrics"): a stable colour per name, from the terminal palette's ANSI
// colours (themed per light/dark and held to WCAG AA by test/unit/renderer/theme-contrast.test.ts), and a name
// made safe to draw. A name comes from the compose file: a control character in it is shown escaped, never
// sent to the terminal.
import type { ColorScheme } from '../theme/color-scheme';
import { sgrForeground, TERMINAL_PALETTES } from './terminal-palette';
import { safeServiceName } from '../../../shared/service-name';

export { safeServiceName };

/** The SGR foregrounds a service tag can take: hues only (no red, black, white or grey, which read as errors or Berth's own text; the ones at AA on every line background in both themes). */
export const SERVICE_TAG_SGR: readonly string[] = ['32', '95', '96', '33', '34', '93'];

/** FNV-1a over the name's UTF-16 units: the same name gets the same colour in every window and session. */
function hash(name: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    value ^= name.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** The SGR foreground code of a service's tag. */
export function serviceSgr(name: string): string {
  return SERVICE_TAG_SGR[hash(name) % SERVICE_TAG_SGR.length]!;
}

/** The CSS colour of a service (the Services panel, the charts' lines) in a theme: the tag's colour. */
export function serviceColour(name: string, scheme: ColorScheme): string {
  return sgrForeground(TERMINAL_PALETTES[scheme], serviceSgr(name));
}

/** The width of the tag column for these services: the longest drawn name (0 when there are none). */
export function serviceTagWidth(names: readonly string[]): number {
  let width = 0;
  for (const name of names) width = Math.max(width, safeServiceName(name).length);
  return width;
}
