// The Electron binary cannot run on these machines, so this drives electron/main/index.ts under Node
// with a stand-in for the `electron` module: the real engine starts, and the test checks the wiring
// (secure windows, one window per project, IPC, event forwarding, tray, notifications, quit).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Notification as BerthNotification, Project, Result } from '../../../shared';
import type { RunningHost } from '../../../electron/engine/host/serve';
import { createWebPreferences } from '../../../electron/main/web-preferences';
import { requestChannel, eventChannel } from '../../../shared/ipc-channels';
import { makeTempDir } from '../../support/temp-dir';

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener): this {
      return this.on(event, listener);
    }
    emit(event: string, ...args: unknown[]): unknown[] {
      return (this.listeners.get(event) ?? []).map((listener) => listener(...args));
    }
  }
  let nextId = 1;
  class FakeWebContents extends Emitter {
    readonly id = nextId++;
    url = '';
    readonly sent: { channel: string; args: unknown[] }[] = [];
    windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
    isDestroyed = () => false;
    getURL = () => this.url;
    send(channel: string, ...args: unknown[]): void {
      this.sent.push({ channel, args });
    }
    setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
      this.windowOpenHandler = handler;
    }
  }
  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    focused = 0;
    destroyed = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
      state.app.emit('web-contents-created', {}, this.webContents);
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((window) => !window.destroyed);
    }
    loadURL(url: string): Promise<void> {
      this.webContents.url = url;
      return Promise.resolve();
    }
    focus(): void {
      this.focused += 1;
    }
    show(): void {}
    restore(): void {}
    maximize(): void {}
    isMinimized = () => false;
    isMaximized = () => false;
    isDestroyed = () => this.destroyed;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1000, height: 700 });
  }
  class FakeTray extends Emitter {
    menu: unknown[] = [];
    tooltip = '';
    image = '';
    constructor(image: string) {
      super();
      this.image = image;
      state.trays.push(this);
    }
    setContextMenu(menu: unknown[]): void {
      this.menu = menu;
    }
    setToolTip(tooltip: string): void {
      this.tooltip = tooltip;
    }
    setImage(image: string): void {
      this.image = image;
    }
    isDestroyed = () => false;
    destroy(): void {}
  }
  class FakeNotification extends Emitter {
    shown = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      state.notifications.push(this);
    }
    static isSupported = () => true;
    show(): void {
      this.shown = true;
    }
  }
  class FakeApp extends Emitter {
    userData = '';
    exitCode: number | undefined;
    requestSingleInstanceLock = () => true;
    readonly protocols: string[] = [];
    setAsDefaultProtocolClient(scheme: string): boolean {
      this.protocols.push(scheme);
      return true;
    }
    setAppUserModelId(): void {}
    whenReady = () => Promise.resolve();
    getPath = () => this.userData;
    isPackaged = false;
    quit(): void {
      this.emit('before-quit', { preventDefault: () => undefined });
    }
    exit(code: number): void {
      this.exitCode = code;
    }
  }
  const handlers = new Map<string, Listener>();
  const state = {
    app: new FakeApp(),
    windows,
    trays: [] as FakeTray[],
    notifications: [] as FakeNotification[],
    handlers,
    external: [] as string[],
    messageBoxes: [] as Record<string, unknown>[],
    headerHook: undefined as undefined | Listener,
    permissionHook: undefined as undefined | Listener,
    host: undefined as RunningHost | undefined,
  };
  const module = {
    app: state.app,
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: { buildFromTemplate: (template: unknown[]) => template },
    dialog: {
      showErrorBox: (title: string, body: string) => console.error(title, body),
      showMessageBox: async (options: Record<string, unknown>) => void state.messageBoxes.push(options),
    },
    nativeImage: { createFromPath: (path: string) => path },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    nativeTheme: { shouldUseDarkColors: true },
    shell: { openExternal: async (url: string) => void state.external.push(url) },
    // A keychain stand-in whose sealing is visible: the bytes reversed.
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (plain: string) => Buffer.from(plain).reverse(),
      decryptString: (sealed: Buffer) => Buffer.from(sealed).reverse().toString(),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (hook: Listener) => void (state.headerHook = hook) },
        setPermissionRequestHandler: (hook: Listener) => void (state.permissionHook = hook),
        setPermissionCheckHandler: () => undefined,
      },
    },
    ipcMain: {
      handle: (channel: string, listener: Listener) => void handlers.set(channel, listener),
      removeHandler: (channel: string) => void handlers.delete(channel),
      on: (channel: string, listener: Listener) => void handlers.set(channel, listener),
      removeAllListeners: (channel: string) => void handlers.delete(channel),
    },
  };
  return { state, module };
});

vi.mock('electron', () => ({ ...fake.module, default: fake.module }));
vi.mock('../../../electron/engine/host/serve', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../electron/engine/host/serve')>();
  return {
    ...actual,
    startHost: async (options: Parameters<typeof actual.startHost>[0]) => {
      const host = await actual.startHost({ ...options, rendererDir: undefined });
      fake.state.host = host;
      return host;
    },
  };
});

const temp = makeTempDir('berth-electron-main-');
const savedDataDir = process.env['BERTH_DATA_DIR'];
const { state } = fake;
const mainDir = new URL('../../../electron/main/', import.meta.url);
const rendererIndex = new URL('../renderer/index.html', mainDir).href;

function invoke(channel: string, url: string, ...args: unknown[]): Promise<unknown> {
  const handler = state.handlers.get(channel);
  if (!handler) throw new Error(`nothing handles ${channel}`);
  const window = state.windows[0]!;
  return Promise.resolve(handler({ sender: window.webContents, senderFrame: { url } }, ...args));
}

beforeAll(async () => {
  delete process.env['BERTH_DATA_DIR'];
  state.app.userData = temp.dir;
  await import('../../../electron/main/index');
  await vi.waitFor(() => expect(state.windows.length).toBeGreaterThan(0), { timeout: 10_000 });
});

afterAll(async () => {
  await state.host?.close();
  if (savedDataDir === undefined) delete process.env['BERTH_DATA_DIR'];
  else process.env['BERTH_DATA_DIR'] = savedDataDir;
  temp.cleanup();
});

describe('the Electron main process (electron/main/index.ts) with a stand-in electron module', () => {
  it('runs the engine on the userData dir, with its HTTP API for the CLI', () => {
    expect(state.host?.engine.config.dataDir).toBe(temp.dir);
    expect(existsSync(join(temp.dir, 'api.json'))).toBe(true);
  });

  it('opens the projects window with the secure webPreferences and our renderer', () => {
    const [projects] = state.windows;
    expect(projects!.options['webPreferences']).toEqual(createWebPreferences(new URL('../preload/index.cjs', mainDir).pathname));
    expect(projects!.webContents.url).toBe(`${rendererIndex}#/`);
    // The window's background follows the OS theme before the page paints (the mock's OS prefers dark).
    expect(projects!.options['backgroundColor']).toBe('#0d1117');
    const headers = state.headerHook;
    let answered: unknown;
    headers?.({ responseHeaders: {} }, (response: unknown) => (answered = response));
    expect(answered).toEqual({ responseHeaders: { 'Content-Security-Policy': [expect.stringContaining("default-src 'self'")] } });
  });

  it('answers IPC from our renderer only, validating input', async () => {
    const created = (await invoke(requestChannel('createProject'), `${rendererIndex}#/`, { name: 'electron-main-demo', sourceDir: temp.dir })) as Result<Project>;
    expect(created.ok).toBe(true);
    expect(await invoke(requestChannel('listProjects'), 'https://evil.example/', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await invoke(requestChannel('getProject'), `${rendererIndex}#/`, { id: '' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    // The engine's projectsChanged event reached the window, and the tray lists the project.
    expect(state.windows[0]!.webContents.sent.some((message) => message.channel === eventChannel('projectsChanged'))).toBe(true);
    await vi.waitFor(() => expect(state.trays[0]?.menu.some((item) => (item as { label?: string }).label === 'electron-main-demo — not deployed')).toBe(true));
  });

  it('gives the engine a vault backed by safeStorage: AWS keys sent over IPC are sealed by it', async () => {
    const project = state.host!.engine.store.projects.list()[0]!;
    const keys = { accessKeyId: 'AKIAMAINPROCESS0TEST', secretAccessKey: 'main-process-secret' };
    const stored = await invoke(requestChannel('setAwsCredentials'), `${rendererIndex}#/`, { id: project.id, ...keys });
    expect(stored).toEqual({ ok: true, value: { stored: true, accessKeyIdHint: 'AKIA…TEST' } });
    const sealed = state.host!.engine.store.secrets.awsCredentials(project.id)!.sealed;
    expect(JSON.parse(Buffer.from(sealed).reverse().toString())).toEqual(keys);
  });

  it('opens one window per project: window.open of a project route creates it once, then focuses it', async () => {
    const projects = state.windows[0]!;
    const project = (state.host!.engine.store.projects.list()[0] as Project | undefined)!;
    const url = `${rendererIndex}#/projects/${project.id}`;
    expect(projects.webContents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    expect(state.windows).toHaveLength(2);
    expect(state.windows[1]!.webContents.url).toBe(url);
    expect(projects.webContents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    expect(state.windows).toHaveLength(2);
    expect(state.windows[1]!.focused).toBe(1);

    // From the project window, a projects-window page focuses that window and shows the page.
    const projectWindow = state.windows[1]!;
    expect(projectWindow.webContents.windowOpenHandler?.({ url: `${rendererIndex}#/new-project` })).toEqual({ action: 'deny' });
    expect(state.windows).toHaveLength(2);
    expect(projects.focused).toBe(1);
    expect(projects.webContents.url).toBe(`${rendererIndex}#/new-project`);

    expect(projects.webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(state.external).toEqual(['https://example.com/']);
    const prevented = vi.fn();
    projects.webContents.emit('will-navigate', { preventDefault: prevented }, 'https://evil.example/');
    expect(prevented).toHaveBeenCalled();
  });

  it('shows engine notifications natively; clicking one focuses the project window', () => {
    const project = state.host!.engine.store.projects.list()[0]!;
    const notification: BerthNotification = {
      id: 'n1',
      kind: 'crash',
      projectId: project.id,
      deploymentId: 'dep_1',
      title: 'electron-main-demo crashed',
      body: 'exit=137 oom=false',
      at: new Date().toISOString(),
    };
    state.host!.engine.events.emit('notification', notification);
    const shown = state.notifications.at(-1)!;
    expect(shown.shown).toBe(true);
    expect(shown.options).toMatchObject({ title: 'electron-main-demo crashed', urgency: 'critical' });
    const focusedBefore = state.windows[1]!.focused;
    shown.emit('click');
    expect(state.windows[1]!.focused).toBe(focusedBefore + 1);
    expect(state.windows).toHaveLength(2);
  });

  it('opens a berth:// link in the project’s window on the linked line, and refuses a malformed one, saying why', () => {
    expect(state.app.protocols).toEqual(['berth']);
    const project = state.host!.engine.store.projects.list()[0]!;
    const deployment = state.host!.engine.store.deployments.create(project.id, 'docker');
    const projectWindow = state.windows[1]!;
    const focusedBefore = projectWindow.focused;
    // Windows and Linux: the link is in the second instance's command line.
    state.app.emit('second-instance', {}, ['/opt/Berth/berth', `berth://projects/${project.id}?deployment=${deployment.id}&line=1234`], '/');
    expect(state.windows).toHaveLength(2);
    expect(projectWindow.focused).toBe(focusedBefore + 1);
    expect(projectWindow.webContents.url).toBe(`${rendererIndex}#/projects/${project.id}?deployment=${deployment.id}&line=1234`);
    // macOS: an open-url event.
    const prevented = vi.fn();
    state.app.emit('open-url', { preventDefault: prevented }, `berth://projects/${project.id}?deployment=${deployment.id}&line=7`);
    expect(prevented).toHaveBeenCalled();
    expect(projectWindow.webContents.url).toBe(`${rendererIndex}#/projects/${project.id}?deployment=${deployment.id}&line=7`);

    state.app.emit('open-url', { preventDefault: vi.fn() }, `berth://projects/${project.id}?deployment=${deployment.id}&line=-1`);
    expect(state.windows).toHaveLength(2);
    expect(projectWindow.webContents.url).toBe(`${rendererIndex}#/projects/${project.id}?deployment=${deployment.id}&line=7`);
    expect(state.messageBoxes.at(-1)).toMatchObject({ message: 'Berth could not open that link', detail: expect.stringContaining('line “-1” is not a positive whole number') });

    // A second instance without a link focuses the projects window, as before.
    const projectsFocused = state.windows[0]!.focused;
    state.app.emit('second-instance', {}, ['/opt/Berth/berth'], '/');
    expect(state.windows[0]!.focused).toBe(projectsFocused + 1);
  });

  it('closes the engine on quit and removes api.json', async () => {
    state.app.quit();
    await vi.waitFor(() => expect(state.app.exitCode).toBe(0));
    expect(existsSync(join(temp.dir, 'api.json'))).toBe(false);
    expect(existsSync(join(temp.dir, 'window-state.json'))).toBe(true);
  });
});
