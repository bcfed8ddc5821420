import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { BerthBridge, LogBatch, LogSnapshot, Result } from '../../../shared';
import { EVENT_NAMES } from '../../../shared/contract';
import { LOG_CHANNELS, REQUEST_NAMES, eventChannel, requestChannel } from '../../../shared/ipc-channels';

// A stand-in for Electron's preload-side modules: records what the preload exposes and sends.
const electron = vi.hoisted(() => {
  type Listener = (event: unknown, ...args: unknown[]) => void;
  const exposed: Record<string, unknown> = {};
  const listeners = new Map<string, Set<Listener>>();
  const pendingInvokes: { channel: string; args: unknown[]; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  const sent: { channel: string; args: unknown[] }[] = [];
  return {
    exposed,
    listeners,
    pendingInvokes,
    sent,
    emit(channel: string, ...args: unknown[]) {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'ipc-event-internals' }, ...args);
    },
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
      ipcRenderer: {
        invoke: (channel: string, ...args: unknown[]) => new Promise((resolve, reject) => pendingInvokes.push({ channel, args, resolve, reject })),
        on: (channel: string, listener: Listener) => {
          if (!listeners.has(channel)) listeners.set(channel, new Set());
          listeners.get(channel)!.add(listener);
        },
        removeListener: (channel: string, listener: Listener) => void listeners.get(channel)?.delete(listener),
        send: (channel: string, ...args: unknown[]) => void sent.push({ channel, args }),
      },
    },
  };
});
vi.mock('electron', () => electron.module);

let berth: BerthBridge;

beforeAll(async () => {
  await import('../../../electron/preload/index');
  berth = electron.exposed['berth'] as BerthBridge;
});

describe('preload (window.berth)', () => {
  it('exposes one function per contract request, on and subscribeLogs, and nothing else', () => {
    expect(Object.keys(electron.exposed)).toEqual(['berth']);
    expect(Object.keys(berth).sort()).toEqual([...REQUEST_NAMES, 'on', 'subscribeLogs'].sort());
    for (const value of Object.values(berth)) expect(typeof value).toBe('function');
  });

  it('sends a request on its own channel and hands back the Result', async () => {
    const answer = berth.getProject({ id: 'prj_1' });
    const call = electron.pendingInvokes.pop()!;
    expect(call.channel).toBe(requestChannel('getProject'));
    expect(call.args).toEqual([{ id: 'prj_1' }]);
    call.resolve({ ok: false, error: { code: 'NOT_FOUND', message: 'No project' } });
    expect(await answer).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No project' } });
  });

  it('turns an IPC failure into an error Result instead of a thrown error', async () => {
    const answer = berth.listProjects({});
    electron.pendingInvokes.pop()!.reject(new Error("No handler registered for 'berth:request:listProjects'"));
    expect(await answer).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
  });

  it('passes event payloads without the Electron event, and unsubscribes', () => {
    const listener = vi.fn();
    const off = berth.on('projectsChanged', listener);
    electron.emit(eventChannel('projectsChanged'), { projectId: 'prj_1' });
    expect(listener).toHaveBeenCalledWith({ projectId: 'prj_1' });
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    electron.emit(eventChannel('projectsChanged'), { projectId: 'prj_2' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(EVENT_NAMES).toContain('notification');
    // An event name outside the contract subscribes to nothing.
    expect(() => berth.on('not-an-event' as 'notification', listener)()).not.toThrow();
  });

  it('subscribes to logs: the snapshot first (even when a batch raced it), each batch acknowledged, then unsubscribe', async () => {
    const onSnapshot = vi.fn();
    const onBatch = vi.fn();
    const onGap = vi.fn();
    const onCaughtUp = vi.fn();
    const off = berth.subscribeLogs({ deploymentId: 'dep_1', tail: 10 }, { onSnapshot, onBatch, onGap, onCaughtUp });
    const call = electron.pendingInvokes.pop()!;
    expect(call.channel).toBe(LOG_CHANNELS.subscribe);
    const [subscriptionId, input] = call.args as [string, unknown];
    expect(input).toEqual({ deploymentId: 'dep_1', tail: 10 });

    const batch = { deploymentId: 'dep_1', lines: [{ lineNo: 2 }] } as unknown as LogBatch;
    electron.emit(LOG_CHANNELS.batch, subscriptionId, batch);
    electron.emit(LOG_CHANNELS.batch, 'someone-else', batch);
    expect(onBatch).not.toHaveBeenCalled();
    const snapshot = { lines: [{ lineNo: 1 }], lastLineNo: 1 } as unknown as LogSnapshot;
    call.resolve({ ok: true, value: snapshot } satisfies Result<LogSnapshot>);
    await vi.waitFor(() => expect(onBatch).toHaveBeenCalledWith(batch));
    expect(onSnapshot.mock.invocationCallOrder[0]).toBeLessThan(onBatch.mock.invocationCallOrder[0]!);
    expect(electron.sent).toContainEqual({ channel: LOG_CHANNELS.acknowledge, args: [subscriptionId] });

    electron.emit(LOG_CHANNELS.gap, subscriptionId, { deploymentId: 'dep_1', fromLineNo: 3, toLineNo: 9 });
    expect(onGap).toHaveBeenCalledWith({ deploymentId: 'dep_1', fromLineNo: 3, toLineNo: 9 });
    electron.emit(LOG_CHANNELS.caughtUp, subscriptionId, { deploymentId: 'dep_1', lineNo: 9 });
    expect(onCaughtUp).toHaveBeenCalledWith({ deploymentId: 'dep_1', lineNo: 9 });
    electron.emit(LOG_CHANNELS.caughtUp, 'someone-else', { deploymentId: 'dep_1', lineNo: 10 });
    expect(onCaughtUp).toHaveBeenCalledTimes(1);

    off();
    expect(electron.sent).toContainEqual({ channel: LOG_CHANNELS.unsubscribe, args: [subscriptionId] });
    electron.emit(LOG_CHANNELS.batch, subscriptionId, batch);
    expect(onBatch).toHaveBeenCalledTimes(1);
  });

  it('holds a gap and a catch-up that race the snapshot, and delivers them after it in the order they came', async () => {
    const calls: string[] = [];
    berth.subscribeLogs(
      { deploymentId: 'dep_2' },
      {
        onSnapshot: () => calls.push('snapshot'),
        onBatch: (batch) => calls.push(`batch ${batch.lines.map((line) => line.lineNo).join(',')}`),
        onGap: (gap) => calls.push(`gap ${gap.fromLineNo}-${gap.toLineNo}`),
        onCaughtUp: (caughtUp) => calls.push(`caught-up ${caughtUp.lineNo}`),
      },
    );
    const call = electron.pendingInvokes.pop()!;
    const [subscriptionId] = call.args as [string];
    electron.emit(LOG_CHANNELS.gap, subscriptionId, { deploymentId: 'dep_2', fromLineNo: 2, toLineNo: 3 });
    electron.emit(LOG_CHANNELS.batch, subscriptionId, { deploymentId: 'dep_2', lines: [{ lineNo: 2 }, { lineNo: 3 }] });
    electron.emit(LOG_CHANNELS.caughtUp, subscriptionId, { deploymentId: 'dep_2', lineNo: 3 });
    expect(calls).toEqual([]);
    call.resolve({ ok: true, value: { lines: [{ lineNo: 1 }], lastLineNo: 1 } });
    await vi.waitFor(() => expect(calls).toHaveLength(4));
    expect(calls).toEqual(['snapshot', 'gap 2-3', 'batch 2,3', 'caught-up 3']);
  });
});
