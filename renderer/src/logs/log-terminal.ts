// The xterm.js side of the log viewer: a read-only terminal with its addons, one batched write per
// animation frame, and a map from written rows back to log lineNos (for jumps and highlights).
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal, type IDecoration, type IDisposable, type IMarker } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { currentColorScheme, onColorSchemeChange, type ColorScheme } from '../theme/color-scheme';
import { TERMINAL_PALETTES, type TerminalPalette } from './terminal-palette';

/** A written row that is not a log line (a step header, a gap marker). */
export const NOT_A_LINE = -1;

export type RendererKind = 'webgl' | 'dom';

/** What a decorated row is: its colours come from the current theme's palette. */
export type RowMark = 'error' | 'rootCause' | 'focus';

interface RowDecoration {
  readonly marker: IMarker;
  readonly decoration: IDecoration;
  readonly style: RowStyle;
}

interface RowStyle {
  readonly mark: RowMark;
  readonly label?: string;
  readonly className?: string;
}

/** The viewer's font (the render bench gives its bare terminal the same, so both have the same rows × columns). */
export const TERMINAL_FONT = { family: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace', size: 13 } as const;

/** Rows kept by xterm. Generous next to the viewer's line window, so wrapped lines rarely push loaded lines out. */
export const SCROLLBACK_ROWS = 20_000;
/** Past this many queued characters the writer gives up on the queue and asks for a re-render of the window. */
const QUEUE_CHARACTER_LIMIT = 8_000_000;
/** Characters handed to xterm but not yet parsed; above this, flushing waits (backpressure). */
const IN_FLIGHT_CHARACTER_LIMIT = 2_000_000;
/** Characters per xterm write call (about 5 ms of parsing). */
const WRITE_CHUNK_CHARACTERS = 32_768;
/** Written lines remembered for row lookups; older ones are long gone from the scrollback. */
const ITEM_LIMIT = SCROLLBACK_ROWS + 1000;
const ITEM_TRIM_STEP = 5000;

/** The index of `value` in an ascending array, or -1. */
function binarySearch(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const found = values[middle]!;
    if (found === value) return middle;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

// OSC commands that must never act: window titles (0, 1, 2), hyperlinks (8), clipboard (52), and
// palette/colour changes (4, 10–12, 104, 110–112) that would restyle the viewer.
const SWALLOWED_OSC = [0, 1, 2, 4, 8, 10, 11, 12, 52, 104, 110, 111, 112];

export function isSafeLink(uri: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(uri);
}

/** Opens an http(s) link outside the app: a new tab in browser mode, the system browser in the desktop app. */
export function openLink(uri: string): void {
  if (!isSafeLink(uri)) return;
  window.open(uri, '_blank', 'noopener,noreferrer');
}

export interface LogTerminalOptions {
  /** Force the DOM renderer (the `berth.logs.renderer=dom` preference, or no WebGL2). */
  readonly preferDom?: boolean;
  /** Called when output arrived faster than the terminal could take it and the queue was dropped. */
  readonly onOverflow: () => void;
}

export class LogTerminal {
  readonly terminal: Terminal;
  readonly search: SearchAddon;
  renderer: RendererKind = 'dom';
  private readonly fit: FitAddon;
  private readonly disposables: IDisposable[] = [];
  private webgl: WebglAddon | undefined;
  private queue: string[] = [];
  private queuedCharacters = 0;
  /** The lineNo of each queued row, or NOT_A_LINE. */
  private queuedLineNos: number[] = [];
  private inFlightCharacters = 0;
  private frame = 0;
  private disposed = false;
  /** Rows written so far: the next row's sequence number. */
  private nextSequence = 0;
  /** Counts `reset()` calls: a reset drops the queue, so `whenWritten()` stops waiting for it. */
  private resets = 0;
  /**
   * The log lines written (ascending: the viewer writes lines in order between resets) and the
   * sequence number of each one's row: a jump finds its row by binary search, with no per-line objects.
   */
  private lineNos: number[] = [];
  private lineSequences: number[] = [];
  private decorations: RowDecoration[] = [];
  /** The current theme's colours; they follow the OS's light or dark setting while the viewer is open. */
  palette: TerminalPalette;
  private rulerShown = false;
  /** Log lines handed to xterm so far (benchmarks read it). */
  linesWritten = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly options: LogTerminalOptions,
  ) {
    this.palette = TERMINAL_PALETTES[currentColorScheme()];
    this.terminal = new Terminal({
      disableStdin: true,
      cursorBlink: false,
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      convertEol: false,
      scrollback: SCROLLBACK_ROWS,
      allowProposedApi: true,
      fontFamily: TERMINAL_FONT.family,
      fontSize: TERMINAL_FONT.size,
      theme: this.palette.theme,
      linkHandler: { activate: (_event, uri) => openLink(uri), allowNonHttpProtocols: false },
    });
    for (const code of SWALLOWED_OSC) this.disposables.push(this.terminal.parser.registerOscHandler(code, () => true));
    // DECRQSS and other device queries get no answer: the terminal takes no input and sends nothing back.
    this.disposables.push(this.terminal.parser.registerDcsHandler({ intermediates: '$', final: 'q' }, () => true));
    this.fit = new FitAddon();
    this.search = new SearchAddon({ highlightLimit: 2000 });
    this.terminal.loadAddon(this.fit);
    this.terminal.loadAddon(this.search);
    this.terminal.loadAddon(new WebLinksAddon((event, uri) => (event.preventDefault(), openLink(uri)), { urlRegex: /https?:\/\/[^\s"'<>`]+[^\s"'<>`.,;:!?)\]]/ }));
    this.terminal.open(host);
    if (!options.preferDom) this.tryWebgl();
    this.fitToHost();
    host.style.setProperty('--terminal-bg', this.palette.theme.background);
    this.disposables.push({ dispose: onColorSchemeChange((scheme) => this.useScheme(scheme)) });
  }

  /** Repaints in the other theme: xterm's palette, the frame around it, and the decorations (whose colours are fixed when made). */
  private useScheme(scheme: ColorScheme): void {
    if (this.disposed) return;
    this.palette = TERMINAL_PALETTES[scheme];
    this.terminal.options.theme = this.palette.theme;
    this.host.style.setProperty('--terminal-bg', this.palette.theme.background);
    const rows = this.decorations.filter((row) => !row.marker.isDisposed).map((row) => ({ line: row.marker.line, style: row.style }));
    this.clearDecorations();
    for (const row of rows) this.decorate(row.line, row.style);
  }

  private tryWebgl(): void {
    try {
      const probe = document.createElement('canvas').getContext('webgl2');
      if (!probe) return;
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        // Back to the DOM renderer; the buffer survives, so nothing needs rewriting.
        webgl.dispose();
        this.webgl = undefined;
        this.renderer = 'dom';
      });
      this.terminal.loadAddon(webgl);
      this.webgl = webgl;
      this.renderer = 'webgl';
    } catch {
      this.renderer = 'dom';
    }
  }

  fitToHost(): void {
    if (this.disposed) return;
    try {
      this.fit.fit();
    } catch {
      // Not laid out yet (hidden tab): the next resize fits it.
    }
  }

  get columns(): number {
    return this.terminal.cols;
  }

  /** Queues one logical line (a log line's lineNo, or NOT_A_LINE); all queued lines go to xterm on the next animation frame. */
  append(text: string, lineNo: number): void {
    this.queue.push(text, '\r\n');
    this.queuedLineNos.push(lineNo);
    this.queuedCharacters += text.length + 2;
    if (this.queuedCharacters > QUEUE_CHARACTER_LIMIT) {
      this.dropQueue();
      this.options.onOverflow();
      return;
    }
    this.schedule();
  }

  /** Clears the terminal (in write order, so it lands after anything already handed to xterm). */
  reset(): void {
    this.resets += 1;
    this.dropQueue();
    this.clearDecorations();
    this.nextSequence = 0;
    this.lineNos = [];
    this.lineSequences = [];
    this.search.clearDecorations();
    this.terminal.write('\x1bc');
  }

  private dropQueue(): void {
    this.queue = [];
    this.queuedLineNos = [];
    this.queuedCharacters = 0;
  }

  private schedule(): void {
    if (this.frame !== 0 || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.flush();
    });
  }

  /** Hands the queue to xterm in one write, unless xterm is still parsing a large backlog. */
  flush(): void {
    if (this.disposed || this.queue.length === 0) return;
    if (this.inFlightCharacters > IN_FLIGHT_CHARACTER_LIMIT) {
      this.schedule();
      return;
    }
    const queue = this.queue;
    const lineNos = this.queuedLineNos;
    this.dropQueue();
    this.remember(lineNos);
    // One flush per frame, cut into chunks: xterm yields to the event loop between chunks, so a
    // burst never becomes one long task.
    let chunk = '';
    for (const part of queue) {
      chunk += part;
      if (chunk.length >= WRITE_CHUNK_CHARACTERS) {
        this.write(chunk);
        chunk = '';
      }
    }
    if (chunk) this.write(chunk);
  }

  private write(text: string): void {
    this.inFlightCharacters += text.length;
    this.terminal.write(text, () => {
      this.inFlightCharacters -= text.length;
    });
  }

  private remember(lineNos: readonly number[]): void {
    for (const lineNo of lineNos) {
      if (lineNo !== NOT_A_LINE) {
        this.linesWritten += 1;
        // Only ascending lineNos can be found by binary search (the viewer never writes one out of order).
        if (lineNo > (this.lineNos.at(-1) ?? -Infinity)) {
          this.lineNos.push(lineNo);
          this.lineSequences.push(this.nextSequence);
        }
      }
      this.nextSequence += 1;
    }
    // Trimmed in steps, not per flush: copying the whole list every frame costs more than it saves.
    const excess = this.lineNos.length - ITEM_LIMIT;
    if (excess > ITEM_TRIM_STEP) {
      this.lineNos = this.lineNos.slice(excess);
      this.lineSequences = this.lineSequences.slice(excess);
    }
  }

  /**
   * Resolves once everything queued so far has been parsed by xterm. A flush may hold the queue back
   * while xterm works through a large backlog, so this waits and flushes again until nothing is queued.
   */
  async whenWritten(): Promise<void> {
    // Only the rows queued now: lines that keep streaming in meanwhile must not keep the caller waiting.
    const target = this.nextSequence + this.queuedLineNos.length;
    const resets = this.resets;
    for (;;) {
      this.flush();
      await new Promise<void>((resolve) => this.terminal.write('', resolve));
      if (this.nextSequence >= target || this.resets !== resets || this.disposed) return;
    }
  }

  hasLine(lineNo: number): boolean {
    return binarySearch(this.lineNos, lineNo) !== -1;
  }

  /**
   * The buffer row where the logical line of `lineNo` starts, or -1 when it is not in the terminal.
   * Counts logical lines (rows that are not soft-wrap continuations) up from the cursor, so it stays
   * right after reflow and after xterm trimmed its scrollback. Call after `whenWritten()`.
   */
  rowOfLine(lineNo: number): number {
    const index = binarySearch(this.lineNos, lineNo);
    if (index === -1) return -1;
    const buffer = this.terminal.buffer.active;
    let remaining = this.nextSequence - 1 - this.lineSequences[index]!;
    for (let row = buffer.baseY + buffer.cursorY - 1; row >= 0; row -= 1) {
      const line = buffer.getLine(row);
      if (!line) return -1;
      if (line.isWrapped) continue;
      if (remaining === 0) return row;
      remaining -= 1;
    }
    return -1;
  }

  /** Scrolls so `row` sits a few rows below the top of the viewport. */
  scrollToRow(row: number): void {
    this.terminal.scrollToLine(Math.max(0, row - 3));
  }

  /**
   * Turns on the overview ruler (error and search marks beside the scrollbar). It starts off because,
   * once there, xterm reads the screen's height on every render, which forces a layout per frame under
   * the DOM renderer: about a third of the viewer's throughput while lines stream in.
   */
  showRuler(): void {
    if (this.rulerShown || this.disposed) return;
    this.rulerShown = true;
    this.terminal.options.overviewRuler = { width: 10 };
    this.fitToHost();
  }

  /**
   * The lineNo of the log line shown on buffer `row` (any row of a wrapped line), or NOT_A_LINE for a
   * step header, a gap marker or a row past the output. The inverse of rowOfLine.
   */
  lineNoAtRow(row: number): number {
    const buffer = this.terminal.buffer.active;
    const cursorRow = buffer.baseY + buffer.cursorY;
    if (row < 0 || row >= cursorRow) return NOT_A_LINE;
    let start = row;
    while (start > 0 && buffer.getLine(start)?.isWrapped) start -= 1;
    // Logical lines between this one and the last written one: counted as rowOfLine counts them.
    let after = 0;
    for (let scan = cursorRow - 1; scan > start; scan -= 1) if (!buffer.getLine(scan)?.isWrapped) after += 1;
    const sequence = this.nextSequence - 1 - after;
    const index = binarySearch(this.lineSequences, sequence);
    return index === -1 ? NOT_A_LINE : this.lineNos[index]!;
  }

  /** The buffer row under a point of the page (a click), or -1 outside the terminal's rows. */
  rowAtPoint(clientX: number, clientY: number): number {
    const screen = this.host.querySelector('.xterm-screen');
    if (!screen) return -1;
    const box = screen.getBoundingClientRect();
    if (clientX < box.left || clientX > box.right || clientY < box.top || clientY >= box.bottom || this.terminal.rows === 0) return -1;
    const rowHeight = box.height / this.terminal.rows;
    return this.terminal.buffer.active.viewportY + Math.floor((clientY - box.top) / rowHeight);
  }

  /** The first log line in view (the top rows may be a header or the rest of a wrapped line). */
  firstLineNoInView(): number {
    const buffer = this.terminal.buffer.active;
    for (let row = buffer.viewportY; row < buffer.viewportY + this.terminal.rows; row += 1) {
      const lineNo = this.lineNoAtRow(row);
      if (lineNo !== NOT_A_LINE) return lineNo;
    }
    return NOT_A_LINE;
  }

  /** Highlights a row: a full-width decoration, optionally with a label at its right end. Returns a remover. */
  decorate(row: number, style: RowStyle): () => void {
    const none = () => undefined;
    this.showRuler();
    const buffer = this.terminal.buffer.active;
    const marker = this.terminal.registerMarker(row - (buffer.baseY + buffer.cursorY));
    if (!marker) return none;
    const label = style.label;
    const decoration = this.terminal.registerDecoration({
      marker,
      // x must be non-zero: xterm leaves `right` unset for 0 and the label would sit over the line's start.
      ...(label ? { anchor: 'right' as const, x: 1, width: Math.min(this.terminal.cols, label.length + 2) } : { width: this.terminal.cols }),
      // Only the jump target is shaded; error lines carry their background in their own SGR codes.
      ...(style.mark === 'focus' ? { backgroundColor: this.palette.focusLineBackground } : {}),
      layer: label ? 'top' : 'bottom',
      overviewRulerOptions: { color: this.palette.rulers[style.mark], position: 'full' },
    });
    if (!decoration) {
      marker.dispose();
      return none;
    }
    decoration.onRender((element) => {
      if (style.className) element.classList.add(style.className);
      if (label && element.textContent !== label) element.textContent = label;
    });
    decoration.onDispose(() => marker.dispose());
    this.decorations.push({ marker, decoration, style });
    // By style object: a theme change re-creates the decoration with the same style, and this still removes it.
    return () => {
      for (const row of this.decorations) if (row.style === style) row.decoration.dispose();
      this.decorations = this.decorations.filter((row) => row.style !== style);
    };
  }

  clearDecorations(): void {
    for (const row of this.decorations) row.decoration.dispose();
    this.decorations = [];
  }

  /** The selected text, or else everything the terminal holds (what the filters show, step headers included). */
  selectedOrAllText(): string {
    if (this.terminal.hasSelection()) return this.terminal.getSelection();
    this.terminal.selectAll();
    const text = this.terminal.getSelection();
    this.terminal.clearSelection();
    return text;
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.clearDecorations();
    for (const disposable of this.disposables) disposable.dispose();
    this.webgl?.dispose();
    this.terminal.dispose();
  }
}
