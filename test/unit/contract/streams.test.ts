import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, events, readStreamMessage, requests, streamPath, streams, type EventName, type EventPayload, type LogLine, type RunDetail } from '../../../shared';
import { SseDecoder } from '../../../shared/sse-decoder';
import { LOG_CHANNELS, REQUEST_NAMES, eventChannel, requestChannel } from '../../../shared/ipc-channels';
import { EventBus } from '../../../electron/engine/event-bus';
import { formatEvent } from '../../../electron/engine/host/http/event-streams';
import { fakeDeployment } from '../logs/fixture';

const deployment = fakeDeployment('dep_1');
const run = { id: 'run_1', deploymentId: 'dep_1', steps: [] } as unknown as RunDetail;
const line: LogLine = { deploymentId: 'dep_1', lineNo: 7, ts: '2026-11-22T10:00:00.000Z', stream: 'stderr', source: 'runtime', runId: null, step: null, text: 'a "quoted"\ttext ✓', cut: false, level: 'unknown' };

/** One payload per event of the contract's streams. */
const samples = {
  events: {
    deploymentUpdated: deployment,
    runUpdated: run,
    projectsChanged: { projectId: null },
    notification: { id: 'ntf_1', kind: 'crash', projectId: 'p', deploymentId: 'dep_1', title: 'Crashed', body: 'exit=137\noom=true', at: '2026-11-22T10:00:00.000Z' },
    analysisUpdated: {
      id: 'anl_1',
      subject: 'run',
      runId: 'run_1',
      deploymentId: 'dep_1',
      projectId: 'p',
      crashLineNo: null,
      status: 'streaming',
      model: 'llama3.1',
      answer: 'The port is\n"taken" ✓',
      error: null,
      redactions: 2,
      createdAt: '2026-11-22T10:00:00.000Z',
      finishedAt: null,
    },
  },
  logs: {
    snapshot: { deployment, activeRun: null, lastLineNo: 7 },
    line,
    behind: { deploymentId: 'dep_1', fromLineNo: 8, toLineNo: 900 },
    'caught-up': { deploymentId: 'dep_1', lineNo: 900 },
    deployment,
    run,
  },
} as const;

describe('the streams of the contract', () => {
  it('has a sample here for every event it declares', () => {
    expect(Object.keys(samples.events).sort()).toEqual(Object.keys(streams.events.events).sort());
    expect(Object.keys(samples.logs).sort()).toEqual(Object.keys(streams.logs.events).sort());
    expect(Object.keys(streams.events.events)).toEqual(EVENT_NAMES);
  });

  it('round-trips every event through the engine’s SSE writer and the one decoder, payload and id intact', () => {
    const decoder = new SseDecoder();
    for (const [event, payload] of Object.entries(samples.events) as [EventName, EventPayload<EventName>][]) {
      const [message] = decoder.push(formatEvent('events', event, payload));
      expect(readStreamMessage('events', message!)).toEqual({ event, id: undefined, payload: JSON.parse(JSON.stringify(payload)) });
    }
    for (const [event, payload] of Object.entries(samples.logs)) {
      const id = event === 'line' ? line.lineNo : undefined;
      const [message] = decoder.push(formatEvent('logs', event as 'line', payload as LogLine, id));
      const read = readStreamMessage('logs', message!);
      expect(read?.event).toBe(event);
      expect(read?.payload).toEqual(JSON.parse(JSON.stringify(payload)));
    }
    // The id of `line` events is the lineNo, so Last-Event-ID resumes after it.
    expect(decoder.push(formatEvent('logs', 'line', line, line.lineNo))[0]?.id).toBe('7');
  });

  it('skips an event the contract does not name (a newer engine’s) instead of guessing', () => {
    expect(readStreamMessage('logs', { event: 'something-new', id: undefined, data: '{}' })).toBeNull();
    // The events stream and the logs stream are told apart: `line` is no engine event.
    expect(readStreamMessage('events', { event: 'line', id: '1', data: '{}' })).toBeNull();
    expect(readStreamMessage('logs', { event: 'toString', id: undefined, data: '{}' })).toBeNull();
  });

  it('fills a stream’s path parameters, encoded', () => {
    expect(streamPath('events')).toBe('/api/events');
    expect(streamPath('logs', { id: 'dep_1' })).toBe('/api/deployments/dep_1/logs/stream');
    expect(streamPath('logs', { id: 'a/b?c' })).toBe('/api/deployments/a%2Fb%3Fc/logs/stream');
    // Stream routes never collide with a request's.
    const requestPaths = new Set(Object.values(requests).map((request) => `GET ${request.path}`));
    for (const stream of Object.values(streams)) expect(requestPaths.has(`GET ${stream.path}`)).toBe(false);
  });

  it('gives every IPC message its own channel', () => {
    const channels = [...Object.values(LOG_CHANNELS), ...EVENT_NAMES.map(eventChannel), ...REQUEST_NAMES.map(requestChannel)];
    expect(new Set(channels).size).toBe(channels.length);
  });
});

describe('EventBus.onAny', () => {
  it('forwards every event of the contract, so a new one reaches SSE and IPC without another list to update', () => {
    const bus = new EventBus();
    const heard: string[] = [];
    const off = bus.onAny((event) => heard.push(event));
    for (const event of Object.keys(events) as EventName[]) bus.emit(event, samples.events[event] as EventPayload<EventName>);
    expect(heard).toEqual(Object.keys(events));
    off();
    bus.emit('projectsChanged', { projectId: null });
    expect(heard).toHaveLength(Object.keys(events).length);
  });
});
