// A page-side harness for bench/render.bench.ts and bench/renderer-heap.bench.ts: drives the real
// viewer (ViewerController + LogTerminal, fed through a BerthApi that streams generated lines) and,
// as the baseline, a bare xterm.js terminal written with the same lines. Built into an IIFE by the
// benches; never part of the app bundle.
import { Terminal } from '@xterm/xterm';
import type { BerthApi, LogLevel, LogLine, LogStream, LogSubscriptionHandlers, RequestInput, RequestName, RequestOutput, Result } from '../../../shared';
import { WebglAddon } from '@xterm/addon-webgl';
import { FitAddon } from '@xterm/addon-fit';
import { SCROLLBACK_ROWS, TERMINAL_FONT, type RendererKind } from './log-terminal';
import { ViewerController } from './viewer-controller';

const DEPLOYMENT = 'bench';
const BASE_TIME = Date.parse('2026-11-21T12:00:00.000Z');

/** A realistic mix: mostly request logs, some warnings on stderr, Berth events, errors and app colours. */
export function makeLine(lineNo: number): LogLine {
  const kind = lineNo % 100;
  let stream: LogStream = 'stdout';
  let text: string;
  // The level the engine's detector gives each kind (docs/product-rules.md "Log levels").
  let level: LogLevel = 'info';
  if (kind < 78) text = `INFO request id=${(lineNo * 2654435761) >>> 0} path=/api/items/${lineNo % 997} status=200 duration=${lineNo % 53}ms`;
  else if (kind < 90) text = `\x1b[32mINFO\x1b[0m worker ${lineNo % 8} processed batch ${lineNo} in ${lineNo % 300}ms (queue=${lineNo % 40})`;
  else if (kind < 96) {
    stream = 'stderr';
    level = 'warn';
    text = `WARN slow query took ${lineNo % 900}ms: SELECT * FROM items WHERE id = ${lineNo % 997}`;
  } else if (kind < 98) {
    stream = 'stderr';
    level = 'error';
    text = `ERROR upstream https://api.example.com/v1/items/${lineNo % 997} returned 503 (attempt ${lineNo % 3})`;
  } else {
    stream = 'system';
    level = 'error';
    text = `[UNHEALTHY] health probe failed ${lineNo % 3} times`;
  }
  return { deploymentId: DEPLOYMENT, lineNo, ts: new Date(BASE_TIME + lineNo).toISOString(), stream, source: 'runtime', runId: null, step: null, text, cut: false, level };
}

/** A BerthApi whose log stream is pushed by the benchmark and whose pages are generated on demand. */
class BenchApi implements BerthApi {
  readonly transport = 'http' as const;
  handlers: LogSubscriptionHandlers | undefined;
  last = 0;

  async request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Result<RequestOutput<N>>> {
    if (name === 'getLogs') {
      const { since = 0, limit = 500 } = input as RequestInput<'getLogs'>;
      const lines: LogLine[] = [];
      for (let lineNo = Number(since) + 1; lineNo <= Math.min(this.last, Number(since) + Number(limit)); lineNo += 1) lines.push(makeLine(lineNo));
      return { ok: true, value: { lines, lastLineNo: this.last } as RequestOutput<N> };
    }
    if (name === 'searchLogs') return { ok: true, value: { hits: [], truncated: false } as RequestOutput<N> };
    return { ok: false, error: { code: 'NOT_FOUND', message: `${name} is not part of the bench` } };
  }

  on(): () => void {
    return () => undefined;
  }

  subscribeLogs(_input: unknown, handlers: LogSubscriptionHandlers): () => void {
    this.handlers = handlers;
    queueMicrotask(() =>
      handlers.onSnapshot({
        deployment: {
          id: DEPLOYMENT,
          projectId: 'bench',
          projectName: 'bench',
          slug: 'bench',
          target: 'docker',
          status: 'running',
          health: 'healthy',
          containerId: null,
          taskArn: null,
          hostPort: null,
          publicUrl: null,
          imageRef: null,
          currentReleaseId: null,
          lastExitCode: null,
          healthCheck: null,
          createdAt: new Date(BASE_TIME).toISOString(),
          startedAt: null,
          updatedAt: new Date(BASE_TIME).toISOString(),
          lastLineNo: 0,
        },
        activeRun: null,
        lines: [],
        lastLineNo: 0,
      }),
    );
    return () => (this.handlers = undefined);
  }

  push(lines: LogLine[]): void {
    this.last = lines.at(-1)?.lineNo ?? this.last;
    this.handlers?.onBatch({ deploymentId: DEPLOYMENT, lines });
  }
}

/** Yields to the event loop without setTimeout's 4 ms clamp. */
function yieldTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function newHost(): HTMLElement {
  const host = document.createElement('div');
  host.style.cssText = 'width:1200px;height:700px;';
  document.body.appendChild(host);
  return host;
}

/** Which xterm renderer both sides use (the bench picks; DOM unless told otherwise). */
let rendererKind: RendererKind = 'dom';

function useRenderer(kind: RendererKind): RendererKind {
  rendererKind = kind === 'webgl' && document.createElement('canvas').getContext('webgl2') ? 'webgl' : 'dom';
  return rendererKind;
}

/**
 * A bare terminal with the viewer's geometry (font and size, so the same rows × columns: 46 × 151 in
 * the 1200 × 700 host) and nothing else: no formatting, no addons but the renderer.
 */
function rawTerminal(host: HTMLElement): Terminal {
  const terminal = new Terminal({ disableStdin: true, scrollback: SCROLLBACK_ROWS, allowProposedApi: true, fontFamily: TERMINAL_FONT.family, fontSize: TERMINAL_FONT.size });
  terminal.open(host);
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  fit.fit();
  if (rendererKind === 'webgl') terminal.loadAddon(new WebglAddon());
  return terminal;
}

function rawText(lines: readonly LogLine[]): string {
  let text = '';
  for (const line of lines) text += `${line.text}\r\n`;
  return text;
}

async function startViewer(): Promise<{ api: BenchApi; controller: ViewerController; host: HTMLElement }> {
  const api = new BenchApi();
  const host = newHost();
  const controller = new ViewerController(api, DEPLOYMENT, host, { preferDom: rendererKind === 'dom' });
  if (controller.terminal.renderer !== rendererKind) throw new Error(`the viewer runs the ${controller.terminal.renderer} renderer, not ${rendererKind}`);
  controller.start();
  await sleep(50);
  return { api, controller, host };
}

/**
 * Lines `from`..`from + count - 1` as the renderer receives them: through JSON (the SSE stream) or a
 * structured clone (IPC), both of which give flat strings. Built straight from template literals, each
 * text would be a V8 rope that the first regex or read of it flattens: a cost the app never pays.
 */
function deliveredLines(from: number, count: number): LogLine[] {
  return JSON.parse(JSON.stringify(Array.from({ length: count }, (_, index) => makeLine(from + index)))) as LogLine[];
}

function batchesOf(total: number, batch: number): LogLine[][] {
  const batches: LogLine[][] = [];
  for (let start = 1; start <= total; start += batch) batches.push(deliveredLines(start, Math.min(batch, total - start + 1)));
  return batches;
}

/** Lines per second the viewer shows, everything delivered as fast as it comes, until xterm parsed it all. */
async function viewerThroughput(total: number, batch: number): Promise<{ linesPerSecond: number; shown: number }> {
  const batches = batchesOf(total, batch);
  const { api, controller, host } = await startViewer();
  const started = performance.now();
  for (const lines of batches) {
    api.push(lines);
    await yieldTask();
  }
  await controller.terminal.whenWritten();
  const seconds = (performance.now() - started) / 1000;
  const shown = controller.terminal.linesWritten;
  controller.dispose();
  host.remove();
  return { linesPerSecond: shown / seconds, shown };
}

/**
 * The baseline: the same lines' text written straight to a bare terminal as each batch arrives. It gets
 * the same input as the viewer (batches of LogLine objects, built before the clock starts and held the
 * same way) and does the least any consumer must: join each batch's text and write it.
 */
async function rawThroughput(total: number, batch: number): Promise<{ linesPerSecond: number; shown: number }> {
  const batches = batchesOf(total, batch);
  const host = newHost();
  const terminal = rawTerminal(host);
  await sleep(50);
  const started = performance.now();
  for (const lines of batches) {
    terminal.write(rawText(lines));
    await yieldTask();
  }
  await new Promise<void>((resolve) => terminal.write('', resolve));
  const seconds = (performance.now() - started) / 1000;
  terminal.dispose();
  host.remove();
  return { linesPerSecond: total / seconds, shown: total };
}

/**
 * The longest main-thread task (PerformanceObserver longtask: only tasks over 50 ms are reported) while
 * lines stream in at a steady rate for `warmupSeconds + seconds`. Tasks of the first `warmupSeconds`
 * (the terminal's first renders while V8 still compiles xterm's parser and renderer) are reported apart
 * from those of the steady stream after it.
 */
async function longestTask(mode: 'viewer' | 'raw', linesPerSecond: number, seconds: number, warmupSeconds = 1): Promise<{ longestMs: number; longTasks: number; warmupLongestMs: number; warmupLongTasks: number }> {
  const entries: { start: number; duration: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) entries.push({ start: entry.startTime, duration: entry.duration });
  });
  const tickMs = 50;
  const perTick = Math.round((linesPerSecond * tickMs) / 1000);
  const ticks = Math.round(((warmupSeconds + seconds) * 1000) / tickMs);
  let viewer: Awaited<ReturnType<typeof startViewer>> | undefined;
  let terminal: Terminal | undefined;
  let rawHost: HTMLElement | undefined;
  if (mode === 'viewer') viewer = await startViewer();
  else {
    rawHost = newHost();
    terminal = rawTerminal(rawHost);
    await sleep(50);
  }
  observer.observe({ type: 'longtask', buffered: false });
  const started = performance.now();
  const steadyFrom = started + warmupSeconds * 1000;
  let next = 1;
  for (let tick = 0; tick < ticks; tick += 1) {
    const lines = deliveredLines(next, perTick);
    next += perTick;
    if (viewer) viewer.api.push(lines);
    else terminal!.write(rawText(lines));
    const due = started + (tick + 1) * tickMs;
    await sleep(Math.max(0, due - performance.now()));
  }
  if (viewer) await viewer.controller.terminal.whenWritten();
  else await new Promise<void>((resolve) => terminal!.write('', resolve));
  await sleep(200);
  observer.disconnect();
  viewer?.controller.dispose();
  viewer?.host.remove();
  terminal?.dispose();
  rawHost?.remove();
  const warmup = entries.filter((entry) => entry.start < steadyFrom).map((entry) => entry.duration);
  const steady = entries.filter((entry) => entry.start >= steadyFrom).map((entry) => entry.duration);
  return {
    longestMs: steady.length ? Math.max(...steady) : 0,
    longTasks: steady.length,
    warmupLongestMs: warmup.length ? Math.max(...warmup) : 0,
    warmupLongTasks: warmup.length,
  };
}

/** Streams `total` generated lines through the viewer (or a bare terminal) and leaves it mounted for a heap reading. */
async function streamThrough(mode: 'viewer' | 'raw', total: number, batch: number): Promise<{ linesWritten: number }> {
  if (mode === 'viewer') {
    const { api, controller } = await startViewer();
    for (let start = 1; start <= total; start += batch) {
      api.push(deliveredLines(start, Math.min(batch, total - start + 1)));
      // Roughly the engine's batch cadence; the viewer keeps up or redraws its bounded window.
      await yieldTask();
    }
    await controller.terminal.whenWritten();
    await sleep(100);
    (window as unknown as { benchKeep: unknown }).benchKeep = controller;
    return { linesWritten: controller.terminal.linesWritten };
  }
  const host = newHost();
  const terminal = rawTerminal(host);
  await sleep(50);
  for (let start = 1; start <= total; start += batch) {
    terminal.write(rawText(deliveredLines(start, Math.min(batch, total - start + 1))));
    await yieldTask();
  }
  await new Promise<void>((resolve) => terminal.write('', resolve));
  (window as unknown as { benchKeep: unknown }).benchKeep = terminal;
  return { linesWritten: total };
}

(window as unknown as { berthLogBench: unknown }).berthLogBench = { useRenderer, viewerThroughput, rawThroughput, longestTask, streamThrough };
