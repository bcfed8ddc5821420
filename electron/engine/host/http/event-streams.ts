import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { idSchema, streams, type LogLine, type StreamEventName, type StreamName, type StreamPayload } from '../../../../shared';
import { GapNotices } from '../../logs/gap-notices';
import type { LogSink } from '../../logs/log-hub';
import type { Engine } from '../engine';
import { sendError } from './send-error';

/** Past this many buffered bytes a stream stops getting pushes and catches up from SQLite later. */
export const SSE_HIGH_WATERMARK_BYTES = 1_048_576;
const HEARTBEAT_MS = 15_000;

function openStream(raw: ServerResponse): void {
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': berth\n\n');
}

/** One SSE event of a stream, named and typed by the contract. JSON has no raw newline, so `data` is one line. */
export function formatEvent<S extends StreamName, E extends StreamEventName<S>>(_stream: S, event: E, payload: StreamPayload<S, E>, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

function formatLines(lines: readonly LogLine[]): string {
  let out = '';
  for (const line of lines) out += formatEvent('logs', 'line', line, line.lineNo);
  return out;
}

/** A query value as a number; an empty one (`?since=`) is no number, not 0. */
const queryNumber = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

function parseResumePoint(header: string | string[] | undefined, query: unknown): { since?: number; tail?: number } | string {
  const lastEventId = Array.isArray(header) ? header[0] : header;
  const q = (query ?? {}) as Record<string, string | undefined>;
  const raw = {
    ...(lastEventId !== undefined ? { since: Number(lastEventId) } : q['since'] !== undefined ? { since: queryNumber(q['since']) } : {}),
    ...(q['tail'] !== undefined ? { tail: queryNumber(q['tail']) } : {}),
  };
  const parsed = streams.logs.input.omit({ deploymentId: true }).safeParse(raw);
  if (!parsed.success) return 'since / Last-Event-ID must be a whole lineNo ≥ 0, and tail a count from 0 to 10000.';
  return parsed.data;
}

/** The contract's two streams as SSE routes. */
export function registerEventStreams(app: FastifyInstance, engine: Engine): void {
  app.get(streams.logs.path, { schema: { summary: streams.logs.summary } }, async (request, reply) => {
    const id = idSchema.safeParse((request.params as { id?: string }).id);
    const deployment = id.success ? engine.store.deployments.get(id.data) : undefined;
    if (!deployment) return sendError(reply, 'NOT_FOUND', `No deployment "${String((request.params as { id?: string }).id)}". List them with GET /api/deployments.`);
    const resume = parseResumePoint(request.headers['last-event-id'], request.query);
    if (typeof resume === 'string') return sendError(reply, 'VALIDATION_FAILED', resume);

    reply.hijack();
    const raw = reply.raw;
    openStream(raw);
    const drainCallbacks: (() => void)[] = [];
    raw.on('drain', () => drainCallbacks.forEach((callback) => callback()));
    const notices = new GapNotices(deployment.id, () => engine.store.logLines.lastLineNo(deployment.id));
    let lastSent = 0;
    const sink: LogSink = {
      send: (lines) => {
        lastSent = lines.at(-1)?.lineNo ?? lastSent;
        raw.write(formatLines(lines));
      },
      ready: () => !raw.destroyed && raw.writableLength < SSE_HIGH_WATERMARK_BYTES,
      onReady: (callback) => drainCallbacks.push(callback),
      behind: (isBehind) => {
        if (isBehind) {
          const gap = notices.stopped(lastSent);
          if (gap) raw.write(formatEvent('logs', 'behind', gap));
        } else {
          const caughtUp = notices.resumed(lastSent);
          if (caughtUp) raw.write(formatEvent('logs', 'caught-up', caughtUp));
        }
      },
    };
    const { snapshot, lastDelivered, unsubscribe } = engine.hub.subscribe(deployment, resume, sink);
    lastSent = lastDelivered;
    raw.write(formatEvent('logs', 'snapshot', { deployment: snapshot.deployment, activeRun: snapshot.activeRun, lastLineNo: snapshot.lastLineNo }));
    raw.write(formatLines(snapshot.lines));

    const offDeployment = engine.events.on('deploymentUpdated', (payload) => {
      if (payload.id === deployment.id) raw.write(formatEvent('logs', 'deployment', payload));
    });
    const offRun = engine.events.on('runUpdated', (payload) => {
      if (payload.deploymentId === deployment.id) raw.write(formatEvent('logs', 'run', payload));
    });
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      offDeployment();
      offRun();
    });
  });

  app.get(streams.events.path, { schema: { summary: streams.events.summary } }, async (_request, reply) => {
    reply.hijack();
    const raw = reply.raw;
    openStream(raw);
    const off = engine.events.onAny((event, payload) => {
      // State events are idempotent snapshots; a stream that is far behind may skip them safely.
      if (raw.writableLength < SSE_HIGH_WATERMARK_BYTES) raw.write(formatEvent('events', event, payload));
    });
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    raw.on('close', () => {
      clearInterval(heartbeat);
      off();
    });
  });
}
