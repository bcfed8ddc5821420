// The log viewer stays readable in both themes: every text colour against every background it can be
// drawn on reaches WCAG AA (4.5:1). Also the app's own text colours (app.css) against its surfaces.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GAP_MARKER_SGR, MUTED_SGR, STEP_HEADER_SGR, STREAM_FOREGROUND } from '../../../renderer/src/logs/line-format';
import { ANSI_COLORS, ERROR_LINE_COLOR_INDEX, FILTER_MATCH_COLOR_INDEX, ROOT_CAUSE_COLOR_INDEX, sgrForeground, TERMINAL_PALETTES, type TerminalPalette } from '../../../renderer/src/logs/terminal-palette';
import { contrastRatio } from '../../../renderer/src/theme/contrast';

const AA = 4.5;

/** The stream colours (stdout default, stderr red, system blue), as line-format.ts writes them. */
function streamColors(palette: TerminalPalette): Record<string, string> {
  return Object.fromEntries(Object.entries(STREAM_FOREGROUND).map(([stream, code]) => [stream, code ? sgrForeground(palette, code) : palette.theme.foreground]));
}

/** Every background a log line's text can sit on. */
function lineBackgrounds(palette: TerminalPalette): Record<string, string> {
  return {
    terminal: palette.theme.background,
    'error line': palette.errorLineBackground,
    'root cause': palette.rootCauseBackground,
    'jump target': palette.focusLineBackground,
    'search match': palette.search.matchBackground!,
    'current search match': palette.search.activeMatchBackground!,
  };
}

/** Pairs below AA, as readable strings (empty when all pass). */
function failures(texts: Record<string, string>, backgrounds: Record<string, string>): string[] {
  const failed: string[] = [];
  for (const [text, color] of Object.entries(texts)) {
    for (const [surface, background] of Object.entries(backgrounds)) {
      const ratio = contrastRatio(color, background);
      if (ratio < AA) failed.push(`${text} ${color} on ${surface} ${background}: ${ratio.toFixed(2)}`);
    }
  }
  return failed;
}

describe('contrastRatio', () => {
  it('follows WCAG: 21 for black on white, 1 for a colour on itself, the same either way round', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
    // WebAIM's checker: #767676 on white is 4.54:1, the lightest grey that passes AA.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#ffffff', '#767676')).toBeCloseTo(4.54, 2);
  });
});

describe.each(['dark', 'light'] as const)('the %s terminal palette', (scheme) => {
  const palette = TERMINAL_PALETTES[scheme];

  it('keeps stdout, stderr and system lines readable on every background a line can have', () => {
    expect(failures(streamColors(palette), lineBackgrounds(palette))).toEqual([]);
  });

  it('keeps Berth’s own text readable: timestamps everywhere, step headers and gap markers on the terminal', () => {
    expect(failures({ timestamp: sgrForeground(palette, MUTED_SGR) }, lineBackgrounds(palette))).toEqual([]);
    const headers = Object.fromEntries(Object.entries(STEP_HEADER_SGR).map(([status, code]) => [`${status} step header`, sgrForeground(palette, code, true)]));
    expect(failures({ ...headers, 'gap marker': sgrForeground(palette, GAP_MARKER_SGR) }, { terminal: palette.theme.background })).toEqual([]);
  });

  it('keeps the colours apps print with readable on the terminal', () => {
    // Black and white are the background's and the foreground's own family: apps use them for
    // backgrounds and inverse text, and no palette can make both readable on both themes.
    const family = scheme === 'dark' ? ['black'] : ['white', 'brightWhite'];
    const hues = Object.fromEntries(ANSI_COLORS.filter((name) => !family.includes(name)).map((name) => [name, palette.theme[name]]));
    expect(failures({ default: palette.theme.foreground, ...hues }, { terminal: palette.theme.background })).toEqual([]);
  });

  it('draws selected text in its own colour, readable on the selection', () => {
    expect(contrastRatio(palette.theme.selectionForeground, palette.theme.selectionBackground)).toBeGreaterThanOrEqual(AA);
  });

  it('gives xterm the error backgrounds at the indices line-format.ts writes', () => {
    expect(palette.theme.extendedAnsi?.[ERROR_LINE_COLOR_INDEX - 16]).toBe(palette.errorLineBackground);
    expect(palette.theme.extendedAnsi?.[ROOT_CAUSE_COLOR_INDEX - 16]).toBe(palette.rootCauseBackground);
    // Filter mode's matches sit on the search match background, whose contrast is checked above.
    expect(palette.theme.extendedAnsi?.[FILTER_MATCH_COLOR_INDEX - 16]).toBe(palette.search.matchBackground);
  });
});

describe('sgrForeground', () => {
  const palette = TERMINAL_PALETTES.dark;
  it('maps 30–37 to the base colours, bold ones and 90–97 to the bright ones', () => {
    expect(sgrForeground(palette, '31')).toBe(palette.theme.red);
    expect(sgrForeground(palette, '32', true)).toBe(palette.theme.brightGreen);
    expect(sgrForeground(palette, '90')).toBe(palette.theme.brightBlack);
    expect(sgrForeground(palette, '97')).toBe(palette.theme.brightWhite);
    expect(() => sgrForeground(palette, '38')).toThrow();
  });
});

/** The custom properties of the first rule block after `marker` in app.css. */
function cssVariables(css: string, marker: string): Record<string, string> {
  const start = css.indexOf(marker);
  const block = css.slice(css.indexOf('{', start) + 1, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;/g)].map((match) => [match[1]!, match[2]!]));
}

describe('the app’s themes (app.css)', () => {
  const css = readFileSync(new URL('../../../renderer/src/app.css', import.meta.url), 'utf8');
  const dark = cssVariables(css, ':root');
  const light = { ...dark, ...cssVariables(css, '@media (prefers-color-scheme: light)') };

  it.each([
    ['dark', dark],
    ['light', light],
  ])('keeps text and status colours readable on the %s surfaces', (_scheme, colors) => {
    const texts = Object.fromEntries(['text', 'muted', 'accent', 'good', 'bad', 'warn', 'neutral', 'bad-text', 'log-stderr', 'log-system'].map((name) => [name, colors[name]!]));
    const surfaces = Object.fromEntries(['bg', 'bg-raised', 'bg-inset'].map((name) => [name, colors[name]!]));
    expect(failures(texts, surfaces)).toEqual([]);
    expect(contrastRatio(colors['primary-text']!, colors['primary-bg']!)).toBeGreaterThanOrEqual(AA);
  });

  it('has a light value for every colour the dark theme sets', () => {
    const lightOnly = cssVariables(css, '@media (prefers-color-scheme: light)');
    expect(Object.keys(dark).filter((name) => !(name in lightOnly))).toEqual([]);
  });
});
