// The Electron shell (docs/architecture.md, "Layers"): app lifecycle, one window per project, tray, notifications and the
// IPC binding. It stays thin: every decision lives in a module next to this one that is tested under
// Node. The engine runs in this process, with its HTTP API, so the CLI works while the app is open.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, Notification, Tray, app, dialog, ipcMain, nativeImage, nativeTheme, safeStorage, screen, session, shell, type WebContents } from 'electron';
import type { StatusTone } from '../../shared/deployment-status';
import type { Notification as BerthNotification } from '../../shared/contract';
import { configFromEnv } from '../engine/config';
import { logStrayRejections, startHost, type RunningHost } from '../engine/host/serve';
import { createLogger } from '../engine/logger';
import { DEEP_LINK_SCHEME } from '../../shared/log-link';
import { deepLinkFromArgv, deepLinkRoute, parseDeepLink } from './deep-link';
import { bindIpc, type IpcBinding } from './ipc-main';
import { handleWillNavigate, handleWindowOpen, isWebLink } from './navigation';
import { nativeNotificationOptions } from './notification-display';
import { createSafeStorageVault } from './safe-storage-vault';
import { isRendererUrl, rendererLocationFrom, routeUrl, type RendererLocation, type WindowRoute } from './renderer-location';
import { buildTrayMenu, summarizeTray, trayIconFile } from './tray-menu';
import { createWebPreferences, isPermissionAllowed, withContentSecurityPolicy } from './web-preferences';
import { WindowRegistry, type ManagedWindow, type WindowSpec } from './window-registry';
import { WindowStateStore, fitToDisplays } from './window-state';

const log = createLogger('main');

// out/main/index.js → out/preload, out/renderer; resources/ sits at the repository root.
const mainDir = dirname(fileURLToPath(import.meta.url));
const paths = {
  preload: join(mainDir, '../preload/index.cjs'),
  rendererDir: join(mainDir, '../renderer'),
  rendererIndex: join(mainDir, '../renderer/index.html'),
  resources: join(mainDir, '../../resources'),
};

interface ShellWindow extends ManagedWindow {
  readonly browserWindow: BrowserWindow;
}

function adaptWindow(window: BrowserWindow): ShellWindow {
  return {
    browserWindow: window,
    focus: () => window.focus(),
    show: () => window.show(),
    restore: () => window.restore(),
    isMinimized: () => window.isMinimized(),
    isMaximized: () => window.isMaximized(),
    isDestroyed: () => window.isDestroyed(),
    getNormalBounds: () => window.getNormalBounds(),
    onBoundsChanged: (listener) => {
      window.on('resized', listener);
      window.on('moved', listener);
    },
    onClose: (listener) => void window.on('close', listener),
    onClosed: (listener) => void window.on('closed', listener),
  };
}

function openExternal(url: string): void {
  if (isWebLink(url)) void shell.openExternal(url).catch((error: unknown) => log.warn(`Could not open ${url}`, error));
}

class BerthShell {
  private readonly registry: WindowRegistry<ShellWindow>;
  private readonly ipc: IpcBinding;
  private readonly offEngineEvents: () => void;
  private tray: Tray | null = null;
  private trayTimer: ReturnType<typeof setTimeout> | undefined;
  /** Notifications are kept referenced until handled, or the click may never arrive. */
  private readonly shownNotifications = new Set<Notification>();

  constructor(
    private readonly host: RunningHost,
    private readonly location: RendererLocation,
    private readonly states: WindowStateStore,
  ) {
    const isTrustedUrl = (url: string) => isRendererUrl(url, location);
    this.registry = new WindowRegistry((spec) => this.createWindow(spec), states);
    this.ipc = bindIpc({
      ipcMain,
      dispatch: host.engine.dispatch,
      isTrustedUrl,
      logs: host.engine.hub,
      lastLineNo: (deploymentId) => host.engine.store.logLines.lastLineNo(deploymentId),
    });
    this.offEngineEvents = host.engine.events.onAny((event, payload) => {
      for (const window of BrowserWindow.getAllWindows()) this.ipc.sendEvent(window.webContents, event, payload);
      if (event === 'notification') this.notify(payload as BerthNotification);
      if (event === 'deploymentUpdated' || event === 'projectsChanged') this.scheduleTrayRefresh();
    });
  }

  /** Applied to every web contents as it is created, before it can load anything. */
  secureContents(contents: WebContents): void {
    contents.setWindowOpenHandler(({ url }) => handleWindowOpen(url, this.location, { openExternal, openRoute: (route) => this.show(route) }));
    const guard = (event: { preventDefault(): void }, url: string) => {
      if (handleWillNavigate(url, this.location, { openExternal }) === 'deny') event.preventDefault();
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // A reload starts a fresh preload: the old page's log subscriptions go away with it.
    contents.on('did-navigate', () => this.ipc.logs.release(contents.id));
  }

  show(route: WindowRoute): void {
    const { window, created } = this.registry.show(route);
    // An open window asked for one of its pages (e.g. a project's settings) goes there: an in-page hash change.
    if (!created && route.page) {
      const url = routeUrl(this.location, route);
      if (window.browserWindow.webContents.getURL() !== url) void window.browserWindow.loadURL(url).catch(() => undefined);
    }
  }

  showProjects(): void {
    this.registry.showProjects();
  }

  /** A berth:// link: the project's window, on the linked line; a link Berth does not make is refused, saying why. */
  openDeepLink(url: string): void {
    const link = parseDeepLink(url);
    if ('error' in link) {
      log.warn(`Refused a ${DEEP_LINK_SCHEME}:// link: ${link.error}.`);
      void dialog.showMessageBox({ type: 'warning', message: 'Berth could not open that link', detail: `${url.slice(0, 300)}\n\nThe problem: ${link.error}.` });
      return;
    }
    this.show(deepLinkRoute(link));
  }

  createTray(): void {
    try {
      this.tray = new Tray(this.trayImage('idle'));
      this.tray.setToolTip('Berth');
      this.tray.on('click', () => this.showProjects());
      this.refreshTray();
    } catch (error) {
      // Some Linux desktops have no tray; the app then quits with its last window.
      log.warn('No system tray is available.', error);
      this.tray = null;
    }
  }

  hasTray(): boolean {
    return this.tray !== null;
  }

  async close(): Promise<void> {
    if (this.trayTimer) clearTimeout(this.trayTimer);
    this.offEngineEvents();
    this.ipc.dispose();
    this.tray?.destroy();
    this.tray = null;
    await this.states.flush();
    await this.host.close();
  }

  private createWindow(spec: WindowSpec): ShellWindow {
    const workAreas = screen.getAllDisplays().map((display) => display.workArea);
    const bounds = spec.state ? fitToDisplays(spec.state, workAreas) : spec.route.kind === 'projects' ? { width: 960, height: 680 } : { width: 1280, height: 860 };
    const window = new BrowserWindow({
      ...bounds,
      minWidth: 640,
      minHeight: 420,
      show: false,
      title: 'Berth',
      icon: join(paths.resources, 'icon.png'),
      // The page's background in the OS's theme (app.css --bg), so a window does not flash the other one.
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#0d1117' : '#ffffff',
      webPreferences: createWebPreferences(paths.preload),
    });
    if (spec.state?.maximized) window.maximize();
    window.once('ready-to-show', () => window.show());
    window.loadURL(routeUrl(this.location, spec.route)).catch((error: unknown) => log.error(`Could not load the renderer for ${spec.key}`, error));
    return adaptWindow(window);
  }

  private notify(notification: BerthNotification): void {
    if (!Notification.isSupported()) return;
    const native = new Notification({ ...nativeNotificationOptions(notification), icon: join(paths.resources, 'icon.png') });
    this.shownNotifications.add(native);
    const forget = () => this.shownNotifications.delete(native);
    native.on('click', () => {
      forget();
      // A channel's test belongs to no project: the projects window opens instead.
      if (notification.projectId) this.registry.showProject(notification.projectId);
      else this.registry.showProjects();
    });
    native.on('close', forget);
    native.show();
  }

  private scheduleTrayRefresh(): void {
    if (!this.tray || this.trayTimer) return;
    this.trayTimer = setTimeout(() => {
      this.trayTimer = undefined;
      this.refreshTray();
    }, 250);
  }

  private refreshTray(): void {
    const dispatch = this.host.engine.dispatch;
    void Promise.all([dispatch('listProjects', {}), dispatch('listDeployments', {})]).then(([projects, deployments]) => {
      if (!this.tray || this.tray.isDestroyed()) return;
      if (!projects.ok || !deployments.ok) {
        log.warn('Could not read projects for the tray.', projects.ok ? deployments : projects);
        return;
      }
      const summary = summarizeTray(projects.value, deployments.value);
      this.tray.setImage(this.trayImage(summary.tone));
      this.tray.setToolTip(summary.tooltip);
      const template = buildTrayMenu(projects.value, deployments.value, {
        openProjects: () => this.showProjects(),
        openProject: (projectId) => this.registry.showProject(projectId),
        quit: () => app.quit(),
      });
      this.tray.setContextMenu(Menu.buildFromTemplate(template.map((item) => ({ ...item }))));
    });
  }

  private trayImage(tone: StatusTone): Electron.NativeImage {
    return nativeImage.createFromPath(join(paths.resources, trayIconFile(tone)));
  }
}

async function start(): Promise<void> {
  // Windows shows native notifications only for an app with a user model id.
  app.setAppUserModelId('dev.berth.desktop');
  await app.whenReady();
  const location = rendererLocationFrom({
    devServerUrl: app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'],
    indexFileUrl: pathToFileURL(paths.rendererIndex).href,
  });

  const defaultSession = session.defaultSession;
  defaultSession.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }));
  defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));

  const dataDir = process.env['BERTH_DATA_DIR'] || app.getPath('userData');
  // AWS keys typed into the app are sealed by the OS keychain; without one they are refused, as headless.
  const vault = createSafeStorageVault(safeStorage);
  if (!vault.available) log.warn(`AWS keys cannot be stored in this session: ${vault.unavailableReason}.`);
  logStrayRejections();
  let host: RunningHost;
  try {
    host = await startHost({ config: configFromEnv(process.env, dataDir), rendererDir: paths.rendererDir, vault });
  } catch (error) {
    dialog.showErrorBox('Berth could not start its engine', `${error instanceof Error ? error.message : String(error)}\n\nData directory: ${dataDir}`);
    app.exit(1);
    return;
  }
  log.info(`Engine started; HTTP API on ${host.http.url} (data in ${dataDir}).`);

  const states = await WindowStateStore.open(join(app.getPath('userData'), 'window-state.json'), (problem) => log.warn(problem));
  const berth = new BerthShell(host, location, states);
  app.on('web-contents-created', (_event, contents) => berth.secureContents(contents));
  berth.createTray();
  // Launched by a berth:// link (Windows, Linux: in argv; macOS: open-url, possibly before ready).
  const launchLinks = [...pendingDeepLinks.splice(0), ...[deepLinkFromArgv(process.argv)].filter((url) => url !== null)];
  if (launchLinks.length === 0) berth.showProjects();
  for (const url of launchLinks) berth.openDeepLink(url);
  openDeepLink = (url) => berth.openDeepLink(url);

  app.on('second-instance', (_event, argv) => {
    const url = deepLinkFromArgv(argv);
    if (url) berth.openDeepLink(url);
    else berth.showProjects();
  });
  app.on('activate', () => berth.showProjects());
  // With a tray, Berth keeps monitoring after the last window closes; Quit is in the tray menu.
  app.on('window-all-closed', () => {
    if (!berth.hasTray()) app.quit();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    berth
      .close()
      .catch((error: unknown) => log.error('Shutdown did not finish cleanly.', error))
      .finally(() => app.exit(0));
  });
}

/** berth:// links that arrived before the windows exist; then, the shell's handler. */
const pendingDeepLinks: string[] = [];
let openDeepLink = (url: string): void => void pendingDeepLinks.push(url);

if (!app.requestSingleInstanceLock()) {
  // Another Berth owns the engine and the data dir; it focuses its window (or opens the berth:// link) on 'second-instance'.
  app.quit();
} else {
  // Development runs register the electron binary with this app's entry; a packaged app registers itself.
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])]);
  else app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  // macOS hands links over as an event, also the one that launched the app (before ready).
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(url);
  });
  start().catch((error: unknown) => {
    log.error('Berth failed to start.', error);
    app.exit(1);
  });
}
