import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WindowStateStore, fitToDisplays, loadWindowStates, saveWindowStates } from '../../../electron/main/window-state';
import { makeTempDir } from '../../support/temp-dir';

describe('window state file', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  beforeEach(() => {
    temp = makeTempDir('berth-electron-window-state-');
    file = join(temp.dir, 'window-state.json');
  });
  afterEach(() => temp.cleanup());

  it('round-trips saved states', async () => {
    const states = new Map([
      ['projects', { x: 10, y: 20, width: 960, height: 680, maximized: false }],
      ['project:prj_a', { x: -1200, y: 0, width: 1280, height: 860, maximized: true }],
    ]);
    await saveWindowStates(file, states);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadWindowStates(file)).toEqual({ states, problem: null });
  });

  it('treats a missing file as no states, without a problem', async () => {
    expect(await loadWindowStates(file)).toEqual({ states: new Map(), problem: null });
  });

  it.each([
    ['not JSON', '{"version":1, "windows": {'],
    ['a wrong version', JSON.stringify({ version: 2, windows: {} })],
    ['a negative width', JSON.stringify({ version: 1, windows: { projects: { x: 0, y: 0, width: -5, height: 600, maximized: false } } })],
    ['a string for a number', JSON.stringify({ version: 1, windows: { projects: { x: '0', y: 0, width: 900, height: 600, maximized: false } } })],
    ['an array', '[1,2,3]'],
  ])('rejects a corrupt file (%s) and reports it', async (_label, text) => {
    writeFileSync(file, text);
    const loaded = await loadWindowStates(file);
    expect(loaded.states.size).toBe(0);
    expect(loaded.problem).toMatch(/window positions were reset|does not hold window positions/);
  });

  it('the store rewrites a corrupt file with valid states on flush', async () => {
    writeFileSync(file, 'garbage');
    const problems: string[] = [];
    const store = await WindowStateStore.open(file, (problem) => problems.push(problem));
    expect(problems).toHaveLength(1);
    expect(store.get('projects')).toBeUndefined();
    store.set('projects', { x: 1, y: 2, width: 800, height: 600, maximized: false });
    await store.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, windows: { projects: { x: 1, y: 2, width: 800, height: 600, maximized: false } } });
  });
});

describe('fitToDisplays', () => {
  const display = { x: 0, y: 0, width: 1920, height: 1080 };
  it('keeps a position that is on a display', () => {
    expect(fitToDisplays({ x: 100, y: 100, width: 1000, height: 700, maximized: false }, [display])).toEqual({ x: 100, y: 100, width: 1000, height: 700 });
  });
  it('drops a position on a display that is gone, and shrinks to the largest display', () => {
    expect(fitToDisplays({ x: 3000, y: 100, width: 2500, height: 700, maximized: false }, [display])).toEqual({ width: 1920, height: 700 });
  });
});
