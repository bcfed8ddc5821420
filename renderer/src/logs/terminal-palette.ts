// The log viewer's colours in the dark and the light theme: xterm's palette, the backgrounds Berth
// puts behind error lines, and its decorations. Pure, so a unit test holds every text colour to WCAG AA
// against every background it can be drawn on (test/unit/renderer/theme-contrast.test.ts).
import type { ISearchDecorationOptions } from '@xterm/addon-search';
import type { ITheme } from '@xterm/xterm';
import type { ColorScheme } from '../theme/color-scheme';

/** 256-colour indices of the backgrounds behind error lines and the likely root cause (line-format.ts writes them). */
export const ERROR_LINE_COLOR_INDEX = 52;
export const ROOT_CAUSE_COLOR_INDEX = 88;
/** Behind a filter-mode match in a kept line: the search match background of the theme. */
export const FILTER_MATCH_COLOR_INDEX = 58;

/** The 16 ANSI colours by their xterm theme names. */
export const ANSI_COLORS = [
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white',
  'brightBlack',
  'brightRed',
  'brightGreen',
  'brightYellow',
  'brightBlue',
  'brightMagenta',
  'brightCyan',
  'brightWhite',
] as const;
export type AnsiColor = (typeof ANSI_COLORS)[number];

export interface TerminalPalette {
  readonly theme: ITheme & Required<Pick<ITheme, 'background' | 'foreground' | 'selectionBackground' | 'selectionForeground' | AnsiColor>>;
  /** Behind an error line (ANSI 256-colour 52). */
  readonly errorLineBackground: string;
  /** Behind the likely root cause (ANSI 256-colour 88). */
  readonly rootCauseBackground: string;
  /** Behind the line a jump landed on. */
  readonly focusLineBackground: string;
  /** Marks beside the scrollbar: not text, so they only need to be seen. */
  readonly rulers: { readonly error: string; readonly rootCause: string; readonly focus: string };
  readonly search: ISearchDecorationOptions;
}

const DARK_THEME = {
  background: '#0f1115',
  foreground: '#d6dae3',
  cursor: '#d6dae3',
  selectionBackground: '#3a4a6b',
  // Selected text in one colour, readable on the selection whatever the line's own colour.
  selectionForeground: '#ffffff',
  black: '#1c2128',
  red: '#ff6b6b',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#5c9dff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#a0a8b3',
  brightRed: '#ff8787',
  brightGreen: '#56d364',
  brightYellow: '#e3b341',
  brightBlue: '#8bb9ff',
  brightMagenta: '#d2a8ff',
  brightCyan: '#56d4dd',
  brightWhite: '#f0f6fc',
} as const;

const LIGHT_THEME = {
  background: '#ffffff',
  foreground: '#1f2328',
  cursor: '#1f2328',
  selectionBackground: '#b6d4fe',
  selectionForeground: '#000000',
  black: '#24292f',
  red: '#c0182a',
  green: '#116329',
  yellow: '#7a4d00',
  blue: '#0550ae',
  magenta: '#8250df',
  cyan: '#0f6e76',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a7f37',
  brightYellow: '#6c4400',
  brightBlue: '#0969da',
  brightMagenta: '#6639ba',
  brightCyan: '#0b6169',
  brightWhite: '#8c959f',
} as const;

/**
 * xterm's `extendedAnsi` starts at colour 16; only the two error backgrounds and the filter match are
 * Berth's, the rest keep xterm's defaults.
 */
function extendedAnsi(errorLine: string, rootCause: string, filterMatch: string): string[] {
  const colors: string[] = [];
  colors[ERROR_LINE_COLOR_INDEX - 16] = errorLine;
  colors[ROOT_CAUSE_COLOR_INDEX - 16] = rootCause;
  colors[FILTER_MATCH_COLOR_INDEX - 16] = filterMatch;
  return colors;
}

const DARK: TerminalPalette = {
  theme: { ...DARK_THEME, extendedAnsi: extendedAnsi('#4d0b0b', '#660000', '#3a3000') },
  errorLineBackground: '#4d0b0b',
  rootCauseBackground: '#660000',
  focusLineBackground: '#1d3257',
  rulers: { error: '#c0392b', rootCause: '#ff4d4d', focus: '#5c9dff' },
  // The current match keeps a dark background (red text must stay readable on it) and stands out by its border.
  search: { matchBackground: '#3a3000', matchOverviewRuler: '#d4a500', activeMatchBackground: '#3a3000', activeMatchBorder: '#ffd24d', activeMatchColorOverviewRuler: '#ffd24d' },
};

const LIGHT: TerminalPalette = {
  theme: { ...LIGHT_THEME, extendedAnsi: extendedAnsi('#ffe4e4', '#ffd4d4', '#fff3b0') },
  errorLineBackground: '#ffe4e4',
  rootCauseBackground: '#ffd4d4',
  focusLineBackground: '#d4e5ff',
  rulers: { error: '#cf222e', rootCause: '#a40e26', focus: '#0969da' },
  search: { matchBackground: '#fff3b0', matchOverviewRuler: '#bf8700', activeMatchBackground: '#ffdf5d', activeMatchColorOverviewRuler: '#9a6700' },
};

export const TERMINAL_PALETTES: Readonly<Record<ColorScheme, TerminalPalette>> = { dark: DARK, light: LIGHT };

/**
 * The colour an SGR foreground code (30–37, 90–97) is drawn in. xterm draws bold 30–37 in their bright
 * variants (its default `drawBoldTextInBrightColors`), which step headers rely on.
 */
export function sgrForeground(palette: TerminalPalette, code: string, bold = false): string {
  const value = Number(code);
  const index = value >= 30 && value <= 37 ? value - 30 + (bold ? 8 : 0) : value >= 90 && value <= 97 ? value - 90 + 8 : -1;
  const name = ANSI_COLORS[index];
  if (!name) throw new Error(`Not an SGR foreground colour: ${code}`);
  return palette.theme[name];
}
