// The Docker events reader turns the event stream's bytes into events; Docker may cut a chunk anywhere,
// even inside a multi-byte character, and the event must still arrive whole.
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DockerEventWatcher, type ContainerEvent } from '../../../electron/engine/docker/events';

function watcherOn(stream: PassThrough): { events: ContainerEvent[]; connected: Promise<void>; stop(): Promise<void> } {
  const docker = { getEvents: async () => stream } as unknown as Dockerode;
  const state = new Map<string, string>();
  const events: ContainerEvent[] = [];
  let connected!: () => void;
  const watcher = new DockerEventWatcher(
    docker,
    { get: (key) => state.get(key), set: (key, value) => void state.set(key, value) },
    { onEvent: (event) => events.push(event), onConnected: () => connected() },
  );
  const ready = new Promise<void>((resolve) => (connected = resolve));
  watcher.start();
  return { events, connected: ready, stop: () => watcher.stop() };
}

const dieEvent = (deploymentId: string): string =>
  `${JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: 'c0ffee', Attributes: { 'berth.deployment': deploymentId, exitCode: '137' } }, timeNano: Date.now() * 1e6 })}\n`;

describe('DockerEventWatcher', () => {
  it('decodes a multi-byte character cut across two chunks', async () => {
    const stream = new PassThrough();
    const watcher = watcherOn(stream);
    await watcher.connected;
    const bytes = Buffer.from(dieEvent('dep_naïve_✓'));
    const cut = bytes.indexOf(Buffer.from('✓')) + 1; // inside the 3-byte check mark
    stream.write(bytes.subarray(0, cut));
    await new Promise((resolve) => setImmediate(resolve));
    stream.write(bytes.subarray(cut));
    await new Promise((resolve) => setImmediate(resolve));
    expect(watcher.events).toEqual([expect.objectContaining({ action: 'die', containerId: 'c0ffee', deploymentId: 'dep_naïve_✓', exitCode: 137 })]);
    stream.end();
    await watcher.stop();
  });

  it('reads several events from one chunk and one event from many', async () => {
    const stream = new PassThrough();
    const watcher = watcherOn(stream);
    await watcher.connected;
    stream.write(dieEvent('dep_a') + dieEvent('dep_b'));
    for (const byte of Buffer.from(dieEvent('dep_c'))) stream.write(Buffer.from([byte]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(watcher.events.map((event) => event.deploymentId)).toEqual(['dep_a', 'dep_b', 'dep_c']);
    stream.end();
    await watcher.stop();
  });
});
