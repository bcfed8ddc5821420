import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogBatch, LogSnapshot, Project, Result } from '../../../shared';
import { Engine } from '../../../electron/engine/host/engine';
import { bindIpc, type IpcBinding, type IpcEvent, type IpcMainPort, type IpcSender } from '../../../electron/main/ipc-main';
import { LOG_CHANNELS, REQUEST_NAMES, eventChannel, requestChannel } from '../../../shared/ipc-channels';
import { makeTempDir } from '../../support/temp-dir';

const RENDERER = 'file:///opt/berth/out/renderer/index.html';
const isTrustedUrl = (url: string) => url.startsWith(`${RENDERER}#`) || url === RENDERER;

type Listener = (event: IpcEvent, ...args: unknown[]) => unknown;

/** Records what the wrapper registers, so a test can call a channel the way Electron would. */
class FakeIpcMain implements IpcMainPort {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener): this {
    this.listeners.set(channel, listener);
    return this;
  }
  removeAllListeners(channel: string): this {
    this.listeners.delete(channel);
    return this;
  }
  invoke(channel: string, event: IpcEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler for ${channel}`);
    return Promise.resolve(handler(event, ...args));
  }
  send(channel: string, event: IpcEvent, ...args: unknown[]): void {
    this.listeners.get(channel)?.(event, ...args);
  }
}

class FakeSender implements IpcSender {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  private destroyedListeners: (() => void)[] = [];
  destroyed = false;
  constructor(
    readonly id: number,
    public url = `${RENDERER}#/`,
  ) {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  once(_event: 'destroyed', listener: () => void): this {
    this.destroyedListeners.push(listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
    for (const listener of this.destroyedListeners.splice(0)) listener();
  }
}

function eventFrom(sender: FakeSender, frameUrl: string | null = sender.url): IpcEvent {
  return { sender, senderFrame: frameUrl === null ? null : { url: frameUrl } };
}

describe('IPC binding (electron/main/ipc-main.ts)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let fakeIpc: FakeIpcMain;
  let binding: IpcBinding;

  beforeEach(async () => {
    temp = makeTempDir('berth-electron-ipc-');
    engine = await Engine.start({ config: { dataDir: temp.dir } });
    fakeIpc = new FakeIpcMain();
    binding = bindIpc({ ipcMain: fakeIpc, dispatch: engine.dispatch, isTrustedUrl, logs: engine.hub, lastLineNo: (id) => engine.store.logLines.lastLineNo(id) });
  });

  afterEach(async () => {
    binding.dispose();
    await engine.close();
    temp.cleanup();
  });

  async function createProject(sender: FakeSender): Promise<Project> {
    const result = (await fakeIpc.invoke(requestChannel('createProject'), eventFrom(sender), { name: 'electron-ipc-demo', sourceDir: temp.dir })) as Result<Project>;
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  }

  it('registers one invoke channel per contract request', () => {
    for (const name of REQUEST_NAMES) expect(fakeIpc.handlers.has(requestChannel(name))).toBe(true);
    expect(fakeIpc.handlers.has(LOG_CHANNELS.subscribe)).toBe(true);
  });

  it('answers a request from our renderer with the engine result', async () => {
    const sender = new FakeSender(1);
    const project = await createProject(sender);
    const listed = (await fakeIpc.invoke(requestChannel('listProjects'), eventFrom(sender), {})) as Result<Project[]>;
    expect(listed).toEqual({ ok: true, value: [expect.objectContaining({ id: project.id, name: 'electron-ipc-demo' })] });
  });

  it('rejects a foreign frame without reaching the engine', async () => {
    const dispatch = vi.fn(engine.dispatch);
    binding.dispose();
    binding = bindIpc({ ipcMain: fakeIpc, dispatch: dispatch as typeof engine.dispatch, isTrustedUrl, logs: engine.hub, lastLineNo: (id) => engine.store.logLines.lastLineNo(id) });
    const sender = new FakeSender(2);
    for (const frameUrl of ['https://evil.example/', 'file:///tmp/other.html', null]) {
      const result = (await fakeIpc.invoke(requestChannel('createProject'), eventFrom(sender, frameUrl), { name: 'electron-ipc-evil', sourceDir: temp.dir })) as Result<unknown>;
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    }
    expect(dispatch).not.toHaveBeenCalled();
    expect(engine.store.projects.list()).toEqual([]);
  });

  it('returns VALIDATION_FAILED, naming the field, for bad input', async () => {
    const sender = new FakeSender(3);
    const badName = (await fakeIpc.invoke(requestChannel('createProject'), eventFrom(sender), { name: '', sourceDir: temp.dir })) as Result<unknown>;
    expect(badName).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'name' }) });
    const badId = (await fakeIpc.invoke(requestChannel('getProject'), eventFrom(sender), { id: '../../etc' })) as Result<unknown>;
    expect(badId).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'id' }) });
    const notAnObject = (await fakeIpc.invoke(requestChannel('getProject'), eventFrom(sender), 'prj_1')) as Result<unknown>;
    expect(notAnObject).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION_FAILED' }) });
  });

  it('subscribes to logs: snapshot first, then acknowledged batches; closes with the window', async () => {
    const sender = new FakeSender(4);
    const project = await createProject(sender);
    const deployment = engine.store.deployments.create(project.id, 'docker');
    engine.logs.system(deployment.id, 'first line');

    const badInput = (await fakeIpc.invoke(LOG_CHANNELS.subscribe, eventFrom(sender), 'sub-1', { deploymentId: deployment.id, tail: -1 })) as Result<unknown>;
    expect(badInput).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'tail' }) });
    const foreign = (await fakeIpc.invoke(LOG_CHANNELS.subscribe, eventFrom(sender, 'https://evil.example/'), 'sub-1', { deploymentId: deployment.id })) as Result<unknown>;
    expect(foreign).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });

    const snapshot = (await fakeIpc.invoke(LOG_CHANNELS.subscribe, eventFrom(sender), 'sub-1', { deploymentId: deployment.id })) as Result<LogSnapshot>;
    expect(snapshot.ok && snapshot.value.lines.map((line) => line.text)).toEqual(['first line']);

    engine.logs.system(deployment.id, 'second line');
    await vi.waitFor(() => expect(sender.sent.some((message) => message.channel === LOG_CHANNELS.batch)).toBe(true));
    const batch = sender.sent.find((message) => message.channel === LOG_CHANNELS.batch)!;
    expect(batch.args[0]).toBe('sub-1');
    expect((batch.args[1] as LogBatch).lines.map((line) => [line.lineNo, line.text])).toEqual([[2, 'second line']]);
    fakeIpc.send(LOG_CHANNELS.acknowledge, eventFrom(sender), 'sub-1');

    expect(binding.logs.count(sender.id)).toBe(1);
    sender.destroy();
    expect(binding.logs.count(sender.id)).toBe(0);
    expect(engine.hub.subscriberCount(deployment.id)).toBe(0);
  });

  it('stops pushing to a window that does not acknowledge, tells it of the gap, and catches up after the acknowledgement', async () => {
    const sender = new FakeSender(7);
    const project = await createProject(sender);
    const deployment = engine.store.deployments.create(project.id, 'docker');
    const subscribed = (await fakeIpc.invoke(LOG_CHANNELS.subscribe, eventFrom(sender), 'sub-slow', { deploymentId: deployment.id })) as Result<LogSnapshot>;
    expect(subscribed.ok).toBe(true);
    const batches = () => sender.sent.filter((message) => message.channel === LOG_CHANNELS.batch);
    // Four unacknowledged batches fill the window's allowance.
    for (let index = 1; index <= 4; index++) {
      engine.logs.system(deployment.id, `line ${index}`);
      await vi.waitFor(() => expect(batches()).toHaveLength(index));
    }
    engine.logs.system(deployment.id, 'line 5');
    await vi.waitFor(() => expect(sender.sent.some((message) => message.channel === LOG_CHANNELS.gap)).toBe(true));
    expect(batches()).toHaveLength(4);
    const gap = sender.sent.find((message) => message.channel === LOG_CHANNELS.gap)!;
    expect(gap.args).toEqual(['sub-slow', { deploymentId: deployment.id, fromLineNo: 5, toLineNo: 5 }]);

    fakeIpc.send(LOG_CHANNELS.acknowledge, eventFrom(sender), 'sub-slow');
    await vi.waitFor(() => expect(batches()).toHaveLength(5));
    const delivered = batches().flatMap((message) => (message.args[1] as LogBatch).lines.map((line) => line.lineNo));
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    // Then it hears that it caught up, after the lines the catch-up sent.
    await vi.waitFor(() => expect(sender.sent.at(-1)).toEqual({ channel: LOG_CHANNELS.caughtUp, args: ['sub-slow', { deploymentId: deployment.id, lineNo: 5 }] }));
    expect(sender.sent.filter((message) => message.channel === LOG_CHANNELS.caughtUp)).toHaveLength(1);
    // An unsubscribe from a foreign frame is ignored.
    fakeIpc.send(LOG_CHANNELS.unsubscribe, eventFrom(sender, 'https://evil.example/'), 'sub-slow');
    expect(binding.logs.count(sender.id)).toBe(1);
    fakeIpc.send(LOG_CHANNELS.unsubscribe, eventFrom(sender), 'sub-slow');
    expect(binding.logs.count(sender.id)).toBe(0);
  });

  it('a window resuming far back gets the snapshot page, the gap right after it, the rest, then caught-up', async () => {
    const sender = new FakeSender(8);
    const project = await createProject(sender);
    const deployment = engine.store.deployments.create(project.id, 'docker');
    for (let index = 1; index <= 2500; index++) engine.logs.append(deployment.id, { stream: 'stdout', source: 'runtime', text: `stored ${index}` });
    engine.logs.flush();
    const subscribed = (await fakeIpc.invoke(LOG_CHANNELS.subscribe, eventFrom(sender), 'sub-far', { deploymentId: deployment.id, since: 0 })) as Result<LogSnapshot>;
    expect(subscribed.ok && subscribed.value.lines.at(-1)?.lineNo).toBe(1000);
    const acknowledgeEach = setInterval(() => fakeIpc.send(LOG_CHANNELS.acknowledge, eventFrom(sender), 'sub-far'), 5);
    try {
      await vi.waitFor(() => expect(sender.sent.some((message) => message.channel === LOG_CHANNELS.caughtUp)).toBe(true));
    } finally {
      clearInterval(acknowledgeEach);
    }
    const kinds = sender.sent.map((message) => message.channel);
    expect(kinds[0]).toBe(LOG_CHANNELS.gap);
    expect(sender.sent[0]!.args[1]).toEqual({ deploymentId: deployment.id, fromLineNo: 1001, toLineNo: 2500 });
    expect(kinds.at(-1)).toBe(LOG_CHANNELS.caughtUp);
    expect(sender.sent.at(-1)!.args[1]).toEqual({ deploymentId: deployment.id, lineNo: 2500 });
    const delivered = sender.sent.filter((message) => message.channel === LOG_CHANNELS.batch).flatMap((message) => (message.args[1] as LogBatch).lines.map((line) => line.lineNo));
    expect(delivered).toEqual(Array.from({ length: 1500 }, (_, index) => 1001 + index));
    fakeIpc.send(LOG_CHANNELS.unsubscribe, eventFrom(sender), 'sub-far');
  });

  it('forwards engine events only to windows that still show our renderer', () => {
    const ours = new FakeSender(5);
    const navigatedAway = new FakeSender(6, 'https://evil.example/');
    const off = engine.events.onAny((event, payload) => {
      binding.sendEvent(ours, event, payload);
      binding.sendEvent(navigatedAway, event, payload);
    });
    engine.events.emit('projectsChanged', { projectId: null });
    off();
    expect(ours.sent).toEqual([{ channel: eventChannel('projectsChanged'), args: [{ projectId: null }] }]);
    expect(navigatedAway.sent).toEqual([]);
  });
});
