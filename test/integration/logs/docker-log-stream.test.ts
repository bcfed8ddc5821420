import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pumpDockerLogs } from '../../../electron/engine/docker/log-demux';
import type { DemuxedLine } from '../../../electron/engine/logs/line-assembler';
import { DockerLogStreamError, openDockerLogStream } from '../../../electron/engine/docker/log-stream';
import { createFloodContainer, removeTestContainers } from './docker-flood';

const docker = new Dockerode();

async function demux(stream: NodeJS.ReadableStream, tty: boolean, timestamps = false): Promise<DemuxedLine[]> {
  const lines: DemuxedLine[] = [];
  await pumpDockerLogs(stream, { tty, timestamps, onLines: (batch) => void lines.push(...batch) });
  return lines;
}

describe('openDockerLogStream against the real engine', () => {
  beforeAll(() => removeTestContainers(docker));
  afterAll(() => removeTestContainers(docker));

  it('reads the same lines as dockerode, in both multiplexed and TTY mode, with timestamps', async () => {
    for (const tty of [false, true]) {
      const container = await createFloodContainer(docker, `logs-stream-${tty ? 'tty' : 'mux'}`, 'logs-stream', 3000, { tty });
      await container.start();
      await container.wait();
      const ours = await demux(await openDockerLogStream(docker, container.id, { follow: true }), tty);
      const theirs = await demux((await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream, tty);
      expect(ours.length).toBe(6000);
      expect(ours).toEqual(theirs);
      if (!tty) {
        expect(ours.filter((line) => line.stream === 'stderr').map((line) => line.text)).toEqual(Array.from({ length: 3000 }, (_, i) => `err ${i}`));
        const stamped = await demux(await openDockerLogStream(docker, container.id, { timestamps: true, tail: 5 }), tty, true);
        expect(stamped).toHaveLength(5);
        for (const line of stamped) expect(line.ts).toBeGreaterThan(Date.now() - 600_000);
      } else {
        // A TTY merges both streams into stdout.
        expect(ours.every((line) => line.stream === 'stdout')).toBe(true);
      }
      await container.remove({ force: true });
    }
  });

  it('reports a missing container as a 404 error, not an empty stream', async () => {
    const error = await openDockerLogStream(docker, 'logs-no-such-container', { follow: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerLogStreamError);
    expect((error as DockerLogStreamError).statusCode).toBe(404);
  });
});
