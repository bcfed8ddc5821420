import { describe, expect, it } from 'vitest';
import { WindowRegistry, type ManagedWindow, type WindowSpec } from '../../../electron/main/window-registry';
import type { Rectangle, WindowState } from '../../../electron/main/window-state';

/** A stand-in for BrowserWindow that records what the registry does to it. */
class FakeWindow implements ManagedWindow {
  focused = 0;
  shown = 0;
  restored = 0;
  minimized = false;
  destroyed = false;
  bounds: Rectangle = { x: 10, y: 20, width: 1200, height: 800 };
  private readonly listeners = { bounds: [] as (() => void)[], close: [] as (() => void)[], closed: [] as (() => void)[] };
  constructor(readonly spec: WindowSpec) {}
  focus(): void {
    this.focused += 1;
  }
  show(): void {
    this.shown += 1;
  }
  restore(): void {
    this.restored += 1;
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds(): Rectangle {
    return this.bounds;
  }
  onBoundsChanged(listener: () => void): void {
    this.listeners.bounds.push(listener);
  }
  onClose(listener: () => void): void {
    this.listeners.close.push(listener);
  }
  onClosed(listener: () => void): void {
    this.listeners.closed.push(listener);
  }
  moveTo(bounds: Rectangle): void {
    this.bounds = bounds;
    this.listeners.bounds.forEach((listener) => listener());
  }
  close(): void {
    this.listeners.close.forEach((listener) => listener());
    this.destroyed = true;
    this.listeners.closed.forEach((listener) => listener());
  }
}

function setup(remembered: Record<string, WindowState> = {}) {
  const created: FakeWindow[] = [];
  const states = new Map(Object.entries(remembered));
  const registry = new WindowRegistry((spec) => {
    const window = new FakeWindow(spec);
    created.push(window);
    return window;
  }, states);
  return { registry, created, states };
}

describe('WindowRegistry', () => {
  it('opens one window per project and focuses it instead of opening a second', () => {
    const { registry, created } = setup();
    const first = registry.showProject('prj_a');
    expect(created).toHaveLength(1);
    expect(first.spec.route).toEqual({ kind: 'project', projectId: 'prj_a' });

    first.minimized = true;
    const again = registry.showProject('prj_a');
    expect(again).toBe(first);
    expect(created).toHaveLength(1);
    expect(first.restored).toBe(1);
    expect(first.focused).toBe(1);

    registry.showProject('prj_b');
    registry.showProjects();
    registry.showProjects();
    expect(created.map((window) => window.spec.key)).toEqual(['project:prj_a', 'project:prj_b', 'projects']);
    expect(registry.windows()).toHaveLength(3);
  });

  it('opens a new window after the old one closed', () => {
    const { registry, created } = setup();
    registry.showProject('prj_a').close();
    expect(registry.find({ kind: 'project', projectId: 'prj_a' })).toBeUndefined();
    const reopened = registry.showProject('prj_a');
    expect(created).toHaveLength(2);
    expect(reopened).not.toBe(created[0]);
  });

  it('remembers size and position per window, and restores them on the next open', () => {
    const { registry, states } = setup({ 'project:prj_a': { x: 50, y: 60, width: 900, height: 700, maximized: false } });
    const window = registry.showProject('prj_a');
    expect(window.spec.state).toEqual({ x: 50, y: 60, width: 900, height: 700, maximized: false });
    window.moveTo({ x: 100, y: 120, width: 1000.4, height: 650 });
    expect(states.get('project:prj_a')).toEqual({ x: 100, y: 120, width: 1000, height: 650, maximized: false });
    window.close();
    expect(registry.showProject('prj_a').spec.state).toEqual({ x: 100, y: 120, width: 1000, height: 650, maximized: false });
  });

  it('does not remember nonsense bounds', () => {
    const { registry, states } = setup();
    registry.showProjects().moveTo({ x: 0, y: 0, width: 0, height: Number.NaN });
    expect(states.has('projects')).toBe(false);
  });
});
