import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { LOG_LEVELS, type LogStream, type RunDetail, type SearchHit } from '../../../shared';
import { stripAnsi } from '../../../shared/error-lines';
import { useApi } from '../api/api-context';
import { shareableLineLink } from '../routing/line-link';
import { JsonLineView, opensAsJson } from './JsonLineView';
import { LevelCounts } from './LevelCounts';
import { formatDuration } from './line-format';
import { LogSearch } from './LogSearch';
import { safeServiceName, serviceColour } from './service-tag';
import { useColorScheme } from '../theme/color-scheme';
import { ViewerController, type ViewerSettings, type ViewerState } from './viewer-controller';
import './log-viewer.css';
import '../common/visually-hidden.css';

export interface LogJumpTarget {
  readonly lineNo?: number;
  readonly ts?: string;
  /** How the status line names the target ("linked"); `line N` by default. */
  readonly label?: string;
  /** A new nonce re-triggers a jump to the same place. */
  readonly nonce: number;
}

export interface LogViewerProps {
  /** The project the log belongs to (for "Copy link to line"). */
  readonly projectId: string;
  readonly deploymentId: string;
  /** The run whose steps group the lines (the active or the latest run). */
  readonly run: RunDetail | null;
  /** Move the view to a line or a moment. */
  readonly jumpTo?: LogJumpTarget | null;
  /** A Compose stack's service names (the Services menu, the tag column); absent or empty: not a stack. */
  readonly services?: readonly string[];
}

const NO_SERVICES: readonly string[] = [];

const STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'system'];
/** How long "Link copied" and "Copied N lines" stay in the status line. */
const CONFIRMATION_MS = 6000;
/** `localStorage['berth.logs.renderer'] = 'dom'` turns the WebGL renderer off (e.g. on a GPU that misdraws). */
const RENDERER_PREFERENCE = 'berth.logs.renderer';

function preferDomRenderer(): boolean {
  try {
    return window.localStorage.getItem(RENDERER_PREFERENCE) === 'dom';
  } catch {
    return false;
  }
}

const noState = (): ViewerState | null => null;
const noSubscribe = () => () => undefined;

/**
 * Each deployment's display toggles (streams, levels, services, timestamps, wrap) while the window lives: a look
 * at Metrics or History unmounts the viewer, and coming back keeps them. Following starts again.
 */
const rememberedSettings = new Map<string, ViewerSettings>();

/** The terminal log viewer: live lines, steps, errors, search, history, copy and download. */
export function LogViewer({ projectId, deploymentId, run, jumpTo, services = NO_SERVICES }: LogViewerProps) {
  const api = useApi();
  const hostRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLElement>(null);
  const [controller, setController] = useState<ViewerController | null>(null);
  const [searchOpen, setSearchOpen] = useState(false);
  const [download, setDownload] = useState<string | null>(null);
  const [copied, setCopied] = useState<{ readonly text: string; readonly confirmation: boolean } | null>(null);
  const state = useSyncExternalStore(controller ? (listener) => controller.subscribe(listener) : noSubscribe, controller ? () => controller.current : noState);
  // A marked JSON line opens pretty-printed below the terminal, until it is closed (per line).
  const [jsonClosed, setJsonClosed] = useState<number | null>(null);
  const markedLine = state?.focus && state.focus.lineNo !== jsonClosed ? controller?.lineOf(state.focus.lineNo) : undefined;
  const jsonLine = markedLine && opensAsJson(markedLine.text) ? markedLine : undefined;

  // One terminal and one subscription per deployment.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const remembered = rememberedSettings.get(deploymentId);
    const created = new ViewerController(api, deploymentId, host, { preferDom: preferDomRenderer(), ...(remembered ? { settings: remembered } : {}) });
    created.start();
    setController(created);
    const root = rootRef.current;
    const unsubscribe = created.subscribe(() => {
      if (root) root.dataset['writtenThrough'] = String(created.writtenThroughLineNo);
    });
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => created.resized());
    });
    observer.observe(host);
    // Scrolling up pauses following; reaching the top pages in earlier lines.
    const onWheel = (event: WheelEvent) => {
      if (event.deltaY >= 0) return;
      if (created.current.settings.follow) created.setFollow(false);
      if (created.terminal.terminal.buffer.active.viewportY === 0 && created.current.hasEarlier) void created.loadEarlier();
    };
    host.addEventListener('wheel', onWheel, { passive: true });
    // A click on a line (not the end of a drag that selected text) marks it, for "Copy link to line".
    const onClick = (event: MouseEvent) => {
      if (event.button !== 0 || created.terminal.terminal.hasSelection()) return;
      const row = created.terminal.rowAtPoint(event.clientX, event.clientY);
      if (row >= 0) created.markLineAtRow(row);
    };
    host.addEventListener('click', onClick);
    return () => {
      unsubscribe();
      observer.disconnect();
      cancelAnimationFrame(frame);
      host.removeEventListener('wheel', onWheel);
      host.removeEventListener('click', onClick);
      rememberedSettings.set(deploymentId, { ...created.current.settings, follow: true });
      created.dispose();
      setController(null);
    };
  }, [api, deploymentId]);

  useEffect(() => {
    controller?.updateRun(run, true);
  }, [controller, run]);

  // The tag column fits the longest service name; the same names in a new array change nothing.
  const serviceKey = services.join('\u0000');
  useEffect(() => {
    controller?.setStackServices(services);
  }, [controller, serviceKey]);

  useEffect(() => {
    if (!controller || !jumpTo) return;
    if (jumpTo.lineNo !== undefined) void controller.showLine(jumpTo.lineNo, jumpTo.label ?? `line ${jumpTo.lineNo}`);
    else if (jumpTo.ts !== undefined) void controller.jumpToTime(jumpTo.ts);
    // The nonce is the trigger: the same place can be asked for twice.
  }, [controller, jumpTo?.nonce]);

  // A confirmation ("Link copied") is short-lived; a failure stays until the next copy.
  useEffect(() => {
    if (!copied?.confirmation) return;
    const timer = setTimeout(() => setCopied(null), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  // Ctrl/Cmd+F opens the viewer's search instead of the browser's.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'f') {
        event.preventDefault();
        setSearchOpen(true);
        requestAnimationFrame(() => rootRef.current?.querySelector<HTMLInputElement>('.log-search input')?.focus());
      }
    };
    document.addEventListener('keydown', onKey);
    controller?.terminal.terminal.attachCustomKeyEventHandler((event) => !((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f'));
    return () => document.removeEventListener('keydown', onKey);
  }, [controller]);

  const copy = async () => {
    if (!controller) return;
    const text = await controller.copyText();
    try {
      await navigator.clipboard.writeText(text);
      setCopied({ text: `Copied ${text.split('\n').filter(Boolean).length} lines.`, confirmation: true });
    } catch (error) {
      setCopied({ text: `Copy failed (${(error as Error).message}). Select the text and use the system copy.`, confirmation: false });
    }
  };

  const copyEvent = async () => {
    const event = controller?.eventText();
    if (!event) {
      setCopied({ text: 'No line is marked: click a line in the log first.', confirmation: false });
      return;
    }
    try {
      await navigator.clipboard.writeText(event.text);
      setCopied({ text: `Copied the event: ${event.lines} line${event.lines === 1 ? '' : 's'}.`, confirmation: true });
    } catch (error) {
      setCopied({ text: `Copy failed (${(error as Error).message}). Select the text and use the system copy.`, confirmation: false });
    }
  };

  const copyLink = async () => {
    if (!controller) return;
    const lineNo = controller.linkLineNo();
    if (lineNo === null) {
      setCopied({ text: 'No line to link to yet: click a line in the log first.', confirmation: false });
      return;
    }
    const link = shareableLineLink(api.transport, window.location, { projectId, deploymentId, lineNo });
    try {
      await navigator.clipboard.writeText(link);
      setCopied({ text: `Link copied: line ${lineNo}.`, confirmation: true });
    } catch (error) {
      setCopied({ text: `Copy failed (${(error as Error).message}). The link is ${link}`, confirmation: false });
    }
  };

  const save = async () => {
    if (!controller) return;
    setDownload('Preparing download…');
    const blob = await controller.downloadText((count) => setDownload(`Preparing download… ${count.toLocaleString()} lines`));
    setDownload(null);
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = `berth-${deploymentId}-logs.txt`;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const openHit = (hit: SearchHit) => void controller?.showLine(hit.lineNo, `search result, line ${hit.lineNo}`);

  const settings = state?.settings;
  const scheme = useColorScheme();
  const shownRun = state?.run ?? run;
  const rootCause = state?.errors?.rootCause ?? null;

  return (
    <section
      ref={rootRef}
      className="log-viewer"
      aria-label="Logs"
      data-testid="log-viewer"
      data-renderer={state?.renderer ?? ''}
      data-connected={state?.connected ? 'true' : 'false'}
      data-filter={state?.filter ? (state.filter.loading ? 'loading' : 'ready') : undefined}
    >
      {shownRun && shownRun.steps.length > 0 && (
        <nav className="log-steps" aria-label="Steps in the log">
          {shownRun.steps.map((step) => (
            <button
              key={step.name}
              type="button"
              className={`log-step log-step-${step.status}`}
              disabled={step.firstLineNo === null}
              title={step.firstLineNo === null ? 'No lines yet' : `Go to the first line of ${step.name}`}
              onClick={() => step.firstLineNo !== null && void controller?.showLine(step.firstLineNo, `step ${step.name}`)}
            >
              {step.name} <span className="log-step-status">{step.status}</span>
              {step.durationMs !== null && <span className="log-step-duration"> {formatDuration(step.durationMs)}</span>}
            </button>
          ))}
        </nav>
      )}

      <div className="log-toolbar" role="toolbar" aria-label="Log view">
        <button type="button" aria-pressed={settings?.follow ?? true} onClick={() => controller?.setFollow(!(settings?.follow ?? true))}>
          {settings?.follow ?? true ? 'Following' : 'Paused'}
        </button>
        <label>
          <input type="checkbox" checked={settings?.timestamps ?? false} onChange={(event) => controller?.changeSettings({ timestamps: event.target.checked })} /> Timestamps
        </label>
        <label>
          <input type="checkbox" checked={settings?.wrap ?? true} onChange={(event) => controller?.changeSettings({ wrap: event.target.checked })} /> Wrap
        </label>
        <fieldset className="log-streams">
          <legend className="visually-hidden">Streams</legend>
          {STREAMS.map((stream) => (
            <label key={stream} className={`log-stream-${stream}`}>
              <input
                type="checkbox"
                checked={settings?.streams[stream] ?? true}
                onChange={(event) => settings && controller?.changeSettings({ streams: { ...settings.streams, [stream]: event.target.checked } })}
              />{' '}
              {stream}
            </label>
          ))}
        </fieldset>
        <details className="log-levels">
          <summary>Levels{settings && LOG_LEVELS.some((level) => !settings.levels[level]) ? ` (${LOG_LEVELS.filter((level) => settings.levels[level]).length} of ${LOG_LEVELS.length})` : ''}</summary>
          <fieldset>
            <legend className="visually-hidden">Levels shown</legend>
            {LOG_LEVELS.map((level) => (
              <label key={level} className={`log-level-${level}`}>
                <input
                  type="checkbox"
                  checked={settings?.levels[level] ?? true}
                  onChange={(event) => settings && controller?.changeSettings({ levels: { ...settings.levels, [level]: event.target.checked } })}
                />{' '}
                {level}
              </label>
            ))}
          </fieldset>
        </details>
        {services.length > 0 && (
          <details className="log-services" data-testid="log-services-menu">
            <summary>Services{settings?.services ? ` (${settings.services.length} of ${services.length})` : ''}</summary>
            <fieldset>
              <legend className="visually-hidden">Services shown</legend>
              {services.map((name) => {
                const shown = settings?.services ? settings.services.includes(name) : true;
                // The last service shown stays shown: an empty view would look like a broken log.
                const last = shown && settings?.services?.length === 1;
                return (
                  <label key={name} className="log-service-choice">
                    <input
                      type="checkbox"
                      checked={shown}
                      disabled={last}
                      onChange={(event) => {
                        if (!settings) return;
                        const current = settings.services ?? services;
                        const next = event.target.checked ? services.filter((candidate) => candidate === name || current.includes(candidate)) : current.filter((candidate) => candidate !== name);
                        controller?.changeSettings({ services: next.length === services.length ? null : next });
                      }}
                    />{' '}
                    <span className="log-service-swatch" style={{ background: serviceColour(name, scheme) }} aria-hidden="true" />
                    {safeServiceName(name)}
                  </label>
                );
              })}
              {settings?.services && (
                <button type="button" onClick={() => controller?.changeSettings({ services: null })}>
                  All services
                </button>
              )}
            </fieldset>
          </details>
        )}
        <span className="log-toolbar-gap" />
        <button type="button" onClick={() => void controller?.jumpToFirstError()} disabled={!controller}>
          Jump to first error
        </button>
        <button type="button" aria-label="Previous error" onClick={() => void controller?.adjacentError(-1)} disabled={!controller}>
          ◀ Error
        </button>
        <button type="button" aria-label="Next error" onClick={() => void controller?.adjacentError(1)} disabled={!controller}>
          Error ▶
        </button>
        <button type="button" onClick={() => setSearchOpen(true)} aria-keyshortcuts="Control+F Meta+F">
          Search
        </button>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={() => void copyEvent()} disabled={!state?.focus} title="Copy the marked line's event: a whole stack trace, or the line alone">
          Copy event
        </button>
        <button type="button" onClick={() => void copyLink()} disabled={!controller} title="Copy a link to the marked line (click a line to mark it), or else to the first line in view">
          Copy link to line
        </button>
        <button type="button" onClick={() => void save()} disabled={download !== null}>
          Download
        </button>
      </div>

      {searchOpen && controller && (
        <LogSearch
          api={api}
          deploymentId={deploymentId}
          terminal={controller.terminal}
          onClose={() => setSearchOpen(false)}
          onOpenHit={openHit}
          filter={state?.filter ?? null}
          filterExits={state?.filterExits ?? 0}
          onFilter={(query) => void controller.setFilter(query)}
          onCountMore={() => void controller.countMore()}
          services={settings?.services ?? null}
        />
      )}

      <LevelCounts deploymentId={deploymentId} runId={run?.id ?? null} knownLast={state?.knownLast ?? 0} services={settings?.services ?? null} />

      {rootCause && (
        <p className="log-root-cause-banner">
          <strong>Likely root cause</strong> (line {rootCause.lineNo}, step {rootCause.step}): <code>{stripAnsi(rootCause.text).slice(0, 300)}</code>
        </p>
      )}

      {state?.hasEarlier && (
        <p className="log-gap-banner" data-testid="log-earlier-marker">
          {state.filter
            ? `Lines before ${state.windowFirst.toLocaleString()} are not filtered yet.`
            : `Lines before ${state.windowFirst.toLocaleString()} are stored but not loaded.`}{' '}
          <button type="button" onClick={() => void controller?.loadEarlier()} disabled={state.busy !== null}>
            Load earlier
          </button>
        </p>
      )}

      <div className="log-terminal" ref={hostRef} />

      {jsonLine && <JsonLineView line={jsonLine} onClose={() => setJsonClosed(jsonLine.lineNo)} />}

      {state?.behind && (
        <p className="log-gap-banner" data-testid="log-behind-marker">
          The view fell behind the live log at line {state.behind.fromLineNo.toLocaleString()}: catching up from stored lines
          {state.behind.notLoaded > 0 ? ` (${state.behind.notLoaded.toLocaleString()} still to load)` : ''}…
        </p>
      )}

      {state?.filter?.newerDropped && (
        <p className="log-gap-banner" data-testid="log-later-marker">
          Newer matching lines were let go to show earlier ones.{' '}
          <button type="button" onClick={() => void controller?.backToLive()}>
            Back to live
          </button>
        </p>
      )}

      {state && state.notShown > 0 && (
        <p className="log-gap-banner" data-testid="log-later-marker">
          {state.atTail
            ? `${state.notShown.toLocaleString()} new line${state.notShown === 1 ? '' : 's'} while paused.`
            : `${state.notShown.toLocaleString()} newer line${state.notShown === 1 ? '' : 's'} stored but not loaded.`}{' '}
          <button type="button" onClick={() => void controller?.backToLive()}>
            Back to live
          </button>
        </p>
      )}

      <p className="log-status" role="status" aria-live="polite" data-testid="log-status">
        {state?.busy ?? state?.message ?? download ?? copied?.text ?? (state?.focus ? `Showing line ${state.focus.lineNo} (${state.focus.label})` : '')}
        {state?.errors && state.errors.count > 0 && <span className="log-error-count"> · {state.errors.count.toLocaleString()} error lines in this run</span>}
        {!state?.connected && state?.message === null && <span> · connecting…</span>}
      </p>
    </section>
  );
}
