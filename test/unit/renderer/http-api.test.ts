import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogLine } from '../../../shared';
import { HttpApi } from '../../../renderer/src/api/http-api';

function line(lineNo: number): LogLine {
  return { deploymentId: 'dep_1', lineNo, ts: '2026-11-22T10:00:00.000Z', stream: 'stdout', source: 'runtime', runId: null, step: null, text: `line ${lineNo}`, cut: false, level: 'unknown' };
}

const sse = (event: string, payload: unknown, id?: number) => `${id === undefined ? '' : `id: ${id}\r\n`}event: ${event}\r\ndata: ${JSON.stringify(payload)}\r\n\r\n`;

/** A response whose body is `text` cut into `size`-character chunks (cuts fall inside events and CRLFs). */
function streamResponse(text: string, size: number, keepOpen: Promise<void>): Response {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= bytes.length) {
        await keepOpen;
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('HttpApi.subscribeLogs (browser mode)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('delivers the stream in order: snapshot with its lines, a batch, the gap, the caught-up lines, caught-up; and forwards deployment changes', async () => {
    const deployment = { id: 'dep_1', status: 'running' };
    const text = [
      ': berth\r\n\r\n',
      sse('snapshot', { deployment, activeRun: null, lastLineNo: 2 }),
      sse('line', line(1), 1),
      sse('line', line(2), 2),
      sse('deployment', deployment),
      sse('line', line(3), 3),
      sse('behind', { deploymentId: 'dep_1', fromLineNo: 4, toLineNo: 6 }),
      sse('line', line(4), 4),
      sse('line', line(5), 5),
      sse('line', line(6), 6),
      sse('caught-up', { deploymentId: 'dep_1', lineNo: 6 }),
      sse('a-newer-event', { ignored: true }),
    ].join('');
    let release!: () => void;
    const open = new Promise<void>((resolve) => (release = resolve));
    const requests: { url: string; headers: Record<string, string> }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      requests.push({ url, headers: init.headers as Record<string, string> });
      if (url.endsWith('/api/events')) return new Response(new ReadableStream({ pull: () => open }), { status: 200 });
      return streamResponse(text, 7, open);
    });
    const api = new HttpApi('http://127.0.0.1:1', 'secret');
    const calls: string[] = [];
    const offDeployment = api.on('deploymentUpdated', (payload) => calls.push(`deploymentUpdated ${payload.id}`));
    const off = api.subscribeLogs(
      { deploymentId: 'dep_1', tail: 50 },
      {
        onSnapshot: (snapshot) => calls.push(`snapshot ${snapshot.lastLineNo} [${snapshot.lines.map((each) => each.lineNo).join(',')}]`),
        onBatch: (batch) => calls.push(`batch [${batch.lines.map((each) => each.lineNo).join(',')}]`),
        onGap: (gap) => calls.push(`gap ${gap.fromLineNo}-${gap.toLineNo}`),
        onCaughtUp: (caughtUp) => calls.push(`caught-up ${caughtUp.lineNo}`),
        onError: (message) => calls.push(`error ${message}`),
      },
    );
    await vi.waitFor(() => expect(calls.at(-1)).toBe('caught-up 6'));
    expect(calls).toEqual(['snapshot 2 [1,2]', 'deploymentUpdated dep_1', 'batch [3]', 'gap 4-6', 'batch [4,5,6]', 'caught-up 6']);
    const logs = requests.find((request) => request.url.includes('/logs/stream'))!;
    expect(logs.url).toBe('http://127.0.0.1:1/api/deployments/dep_1/logs/stream?tail=50');
    expect(logs.headers['authorization']).toBe('Bearer secret');
    off();
    offDeployment();
    release();
  });

  it('reconnects after a drop with Last-Event-ID set to the last line it got', async () => {
    const connections: Record<string, string>[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      connections.push(init.headers as Record<string, string>);
      const first = connections.length === 1;
      const text = first ? sse('snapshot', { deployment: {}, activeRun: null, lastLineNo: 8 }) + sse('line', line(8), 8) : sse('snapshot', { deployment: {}, activeRun: null, lastLineNo: 8 });
      return streamResponse(text, 1000, Promise.resolve());
    });
    const api = new HttpApi('http://127.0.0.1:1', 'secret');
    const snapshots: number[] = [];
    const off = api.subscribeLogs({ deploymentId: 'dep_1' }, { onSnapshot: (snapshot) => snapshots.push(snapshot.lines.length), onBatch: () => undefined });
    await vi.waitFor(() => expect(connections.length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    off();
    expect(connections[0]!['last-event-id']).toBeUndefined();
    expect(connections[1]!['last-event-id']).toBe('8');
    expect(snapshots.slice(0, 2)).toEqual([1, 0]);
  });
});
