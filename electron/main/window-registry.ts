// One window per route: the projects window, and one window per project. Opening a route that is
// already open focuses its window instead of creating a second one.
import { windowKey, type WindowRoute } from './renderer-location';
import { toWindowState, type Rectangle, type WindowState } from './window-state';

/** The part of a BrowserWindow the registry uses (index.ts adapts the real one). */
export interface ManagedWindow {
  focus(): void;
  show(): void;
  restore(): void;
  isMinimized(): boolean;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  getNormalBounds(): Rectangle;
  /** Moved or resized by the user. */
  onBoundsChanged(listener: () => void): void;
  /** About to close: the last moment to read its bounds. */
  onClose(listener: () => void): void;
  onClosed(listener: () => void): void;
}

export interface WindowSpec {
  readonly key: string;
  readonly route: WindowRoute;
  /** The remembered size and position, when there is one. */
  readonly state: WindowState | undefined;
}

export type WindowFactory<W extends ManagedWindow> = (spec: WindowSpec) => W;

export interface WindowStates {
  get(key: string): WindowState | undefined;
  set(key: string, state: WindowState): void;
}

export class WindowRegistry<W extends ManagedWindow> {
  private readonly open = new Map<string, W>();

  constructor(
    private readonly factory: WindowFactory<W>,
    private readonly states: WindowStates,
  ) {}

  /** Focuses the route's window if it is open, otherwise creates it at its remembered bounds. */
  show(route: WindowRoute): { window: W; created: boolean } {
    const key = windowKey(route);
    const existing = this.open.get(key);
    if (existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return { window: existing, created: false };
    }
    const window = this.factory({ key, route, state: this.states.get(key) });
    this.open.set(key, window);
    const remember = () => {
      if (window.isDestroyed()) return;
      const state = toWindowState(window.getNormalBounds(), window.isMaximized());
      if (state) this.states.set(key, state);
    };
    window.onBoundsChanged(remember);
    window.onClose(remember);
    window.onClosed(() => {
      if (this.open.get(key) === window) this.open.delete(key);
    });
    return { window, created: true };
  }

  showProjects(): W {
    return this.show({ kind: 'projects' }).window;
  }

  showProject(projectId: string): W {
    return this.show({ kind: 'project', projectId }).window;
  }

  find(route: WindowRoute): W | undefined {
    const window = this.open.get(windowKey(route));
    return window && !window.isDestroyed() ? window : undefined;
  }

  windows(): W[] {
    return [...this.open.values()].filter((window) => !window.isDestroyed());
  }
}
