import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../shared';
import { pumpDockerLogs } from '../../../electron/engine/docker/log-demux';
import type { LogSink } from '../../../electron/engine/logs/log-hub';
import { fakeDeployment, logFixture } from '../../unit/logs/fixture';
import { makeTempDir } from '../../support/temp-dir';
import { createFloodContainer, removeTestContainers } from './docker-flood';

const docker = new Dockerode();
const COUNT = 20_000;

/** Attaches to a container's output and pumps it through our demuxer into the writer until it exits. */
async function ingest(container: Dockerode.Container, writer: ReturnType<typeof logFixture>['writer'], deploymentId: string): Promise<void> {
  const stream = (await container.attach({ stream: true, stdout: true, stderr: true, logs: true })) as unknown as NodeJS.ReadableStream;
  const pumped = pumpDockerLogs(stream, { tty: false, onLines: writer.sink(deploymentId, { source: 'runtime' }) });
  await container.start();
  await container.wait();
  await pumped;
  writer.flush();
}

function rowsOf(store: ReturnType<typeof logFixture>['store'], deploymentId: string): LogLine[] {
  const rows: LogLine[] = [];
  for (let page = store.logLines.since(deploymentId, 0, 5000); page.length > 0; page = store.logLines.since(deploymentId, rows.at(-1)!.lineNo, 5000)) rows.push(...page);
  return rows;
}

describe('a container flooding output while subscribers read', () => {
  const temp = makeTempDir('logs-flood-');
  beforeAll(() => removeTestContainers(docker));
  afterAll(async () => {
    await removeTestContainers(docker);
    temp.cleanup();
  });

  it('gives a live subscriber exactly the stored rows, in order, gap-free', async () => {
    const fixture = logFixture({}, `${temp.dir}/live.db`);
    try {
      const received: LogLine[] = [];
      const sink: LogSink = { send: (lines) => void received.push(...lines), ready: () => true, onReady: () => undefined };
      const { snapshot } = fixture.hub.subscribe(fakeDeployment('logs-live'), { since: 0 }, sink);
      expect(snapshot.lines).toEqual([]);
      const container = await createFloodContainer(docker, 'logs-flood-live', 'logs-live', COUNT);
      await ingest(container, fixture.writer, 'logs-live');
      const rows = rowsOf(fixture.store, 'logs-live');
      expect(rows).toHaveLength(2 * COUNT);
      expect(received).toEqual(rows);
      expect(rows.map((row) => row.lineNo)).toEqual(rows.map((_, index) => index + 1));
      // Each stream keeps its own order; nothing is torn or mixed mid-line.
      expect(rows.filter((row) => row.stream === 'stdout').map((row) => row.text)).toEqual(Array.from({ length: COUNT }, (_, i) => `out ${i} é`));
      expect(rows.filter((row) => row.stream === 'stderr').map((row) => row.text)).toEqual(Array.from({ length: COUNT }, (_, i) => `err ${i}`));
    } finally {
      fixture.close();
    }
  });

  it('lets a deliberately slow consumer catch up from SQLite with bounded memory', async () => {
    const fixture = logFixture({}, `${temp.dir}/slow.db`);
    try {
      const received: LogLine[] = [];
      const CAPACITY = 500;
      let buffered = 0;
      let maxBuffered = 0;
      let behindCount = 0;
      const readyCallbacks: (() => void)[] = [];
      const sink: LogSink = {
        send: (lines) => {
          received.push(...lines);
          buffered += lines.length;
          maxBuffered = Math.max(maxBuffered, buffered);
        },
        ready: () => buffered < CAPACITY,
        onReady: (callback) => readyCallbacks.push(callback),
        behind: (isBehind) => void (isBehind && behindCount++),
      };
      fixture.hub.subscribe(fakeDeployment('logs-slow'), { since: 0 }, sink);
      // The consumer drains only every 20 ms, far slower than the flood arrives.
      const drainer = setInterval(() => {
        buffered = 0;
        readyCallbacks.forEach((callback) => callback());
      }, 20);
      const container = await createFloodContainer(docker, 'logs-flood-slow', 'logs-slow', COUNT);
      await ingest(container, fixture.writer, 'logs-slow');
      const deadline = Date.now() + 60_000;
      while (received.length < 2 * COUNT && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      clearInterval(drainer);
      expect(behindCount).toBeGreaterThan(0);
      // Never more than the watermark plus one catch-up page (1000) or one commit batch (1000).
      expect(maxBuffered).toBeLessThanOrEqual(CAPACITY + 1000);
      expect(received).toEqual(rowsOf(fixture.store, 'logs-slow'));
      expect(received).toHaveLength(2 * COUNT);
    } finally {
      fixture.close();
    }
  });
});
