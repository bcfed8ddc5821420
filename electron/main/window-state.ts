// Remembers each window's size and position in a small JSON file in userData. The file is
// validated on load: a corrupt or foreign file is rejected (windows open at default sizes) and
// rewritten on the next save, never trusted.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

export interface Rectangle {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const windowStateSchema = z.object({
  x: z.number().int().min(-100_000).max(100_000),
  y: z.number().int().min(-100_000).max(100_000),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(150).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

const MAX_WINDOWS = 500;
const stateFileSchema = z.object({
  version: z.literal(1),
  windows: z.record(z.string().min(1).max(200), windowStateSchema).refine((windows) => Object.keys(windows).length <= MAX_WINDOWS, 'too many windows'),
});

export type WindowStateLoad = { readonly states: Map<string, WindowState>; readonly problem: string | null };

/** Reads and validates the file. A missing file is normal; a corrupt one is reported and ignored. */
export async function loadWindowStates(filePath: string): Promise<WindowStateLoad> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { states: new Map(), problem: null };
    return { states: new Map(), problem: `Cannot read ${filePath}: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { states: new Map(), problem: `${filePath} is not valid JSON; window positions were reset.` };
  }
  const parsed = stateFileSchema.safeParse(json);
  if (!parsed.success) return { states: new Map(), problem: `${filePath} does not hold window positions (${parsed.error.issues[0]?.message ?? 'invalid'}); they were reset.` };
  return { states: new Map(Object.entries(parsed.data.windows)), problem: null };
}

/** Writes the file atomically (temp file + rename), so a crash mid-write leaves the old file whole. */
export async function saveWindowStates(filePath: string, states: ReadonlyMap<string, WindowState>): Promise<void> {
  const windows = Object.fromEntries([...states].slice(-MAX_WINDOWS));
  const temporary = `${filePath}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ version: 1, windows }, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, filePath);
}

/** Accepts a state only if it is valid; used before saving what a window reports. */
export function toWindowState(bounds: Rectangle, maximized: boolean): WindowState | null {
  const parsed = windowStateSchema.safeParse({ ...roundRectangle(bounds), maximized });
  return parsed.success ? parsed.data : null;
}

function roundRectangle(bounds: Rectangle): Rectangle {
  return { x: Math.round(bounds.x), y: Math.round(bounds.y), width: Math.round(bounds.width), height: Math.round(bounds.height) };
}

/**
 * Keeps a remembered position only if enough of the window's title area lands on a current display
 * (a monitor may have been unplugged); otherwise only the size is kept and the OS places the window.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rectangle[]): { x?: number; y?: number; width: number; height: number } {
  const titleBar = { x: state.x, y: state.y, width: state.width, height: Math.min(40, state.height) };
  const visible = workAreas.some((area) => overlap(titleBar, area) >= Math.min(100, titleBar.width) * titleBar.height * 0.5);
  const largest = workAreas.reduce<Rectangle | null>((best, area) => (!best || area.width * area.height > best.width * best.height ? area : best), null);
  const width = largest ? Math.min(state.width, largest.width) : state.width;
  const height = largest ? Math.min(state.height, largest.height) : state.height;
  return visible ? { x: state.x, y: state.y, width, height } : { width, height };
}

function overlap(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/** The in-memory states plus a debounced save, so moving a window does not write on every pixel. */
export class WindowStateStore {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly filePath: string,
    private readonly states: Map<string, WindowState> = new Map(),
    private readonly debounceMs = 500,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  static async open(filePath: string, onProblem: (problem: string) => void = () => undefined): Promise<WindowStateStore> {
    const { states, problem } = await loadWindowStates(filePath);
    if (problem) onProblem(problem);
    return new WindowStateStore(filePath, states, 500, (error) => onProblem(`Cannot save window positions: ${(error as Error).message}`));
  }

  get(key: string): WindowState | undefined {
    return this.states.get(key);
  }

  set(key: string, state: WindowState): void {
    // Re-insert so the most recently used windows are the ones kept under the cap.
    this.states.delete(key);
    this.states.set(key, state);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.debounceMs);
  }

  /** Writes now (called on quit); writes never overlap. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const snapshot = new Map(this.states);
    this.writing = this.writing.then(() => saveWindowStates(this.filePath, snapshot)).catch(this.onError);
    return this.writing;
  }
}
