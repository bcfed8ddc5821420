// The monitor's runtime log follower under a flood on both streams, against the real engine: every
// line is stored exactly once, also across a re-attach in the middle of the flood. Docker stamps stdout
// and stderr in separate goroutines, so stamps are not in order across the two streams; a follower that
// skips "older than the newest stored line" loses lines here.
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeLogFollower } from '../../../electron/engine/monitor/runtime-log-follower';
import { logFixture } from '../../unit/logs/fixture';
import { makeTempDir } from '../../support/temp-dir';
import { BASE_IMAGE, RUN_ID, createFloodContainer, removeTestContainers } from './docker-flood';

const docker = new Dockerode();
const COUNT = 30_000;

type Fixture = ReturnType<typeof logFixture>;

function storedTexts(fixture: Fixture, deploymentId: string, stream: 'stdout' | 'stderr'): string[] {
  return fixture.store.logLines
    .since(deploymentId, 0, 10 * COUNT)
    .filter((line) => line.stream === stream)
    .map((line) => line.text);
}

/** Resolves once `count` lines of the deployment are committed; rejects after `ms`. */
function committed(fixture: Fixture, deploymentId: string, count: number, ms = 30_000): Promise<void> {
  let seen = fixture.store.logLines.lastLineNo(deploymentId);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`only ${seen} of ${count} lines were committed after ${ms} ms`));
    }, ms);
    const off = fixture.writer.onCommit((id, lines) => {
      if (id !== deploymentId) return;
      seen += lines.length;
      if (seen >= count) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

describe('the runtime log follower under a flood on both streams', () => {
  const temp = makeTempDir('logs-follower-flood-');
  beforeAll(() => removeTestContainers(docker));
  afterAll(async () => {
    await removeTestContainers(docker);
    temp.cleanup();
  });

  /**
   * Follows a fresh flooding container with a follower until all its lines are committed, running
   * `midway` once 5,000 are; then checks each stream's lines were stored exactly once, in order.
   */
  const followerPorts = (fixture: ReturnType<typeof logFixture>) => ({ logs: fixture.writer, stored: fixture.store.logLines, state: fixture.store.state });

  async function followFlood(name: string, midway?: (follower: RuntimeLogFollower) => Promise<void>): Promise<void> {
    const deploymentId = `follower-${name}`;
    const fixture = logFixture({}, `${temp.dir}/${name}.db`);
    const container = await createFloodContainer(docker, `logs-follower-${name}`, deploymentId, COUNT);
    const follower = new RuntimeLogFollower(docker, followerPorts(fixture), deploymentId, container.id, { retryMs: 50 });
    try {
      const some = committed(fixture, deploymentId, 5_000);
      const all = committed(fixture, deploymentId, 2 * COUNT);
      await container.start();
      follower.start();
      await some;
      await midway?.(follower);
      await all;
      await container.wait();
      await follower.stop();
      expect(storedTexts(fixture, deploymentId, 'stdout')).toEqual(Array.from({ length: COUNT }, (_, i) => `out ${i} é`));
      expect(storedTexts(fixture, deploymentId, 'stderr')).toEqual(Array.from({ length: COUNT }, (_, i) => `err ${i}`));
    } finally {
      await follower.stop();
      fixture.close();
    }
  }

  it('stores every line exactly once, in each stream\'s order', () => followFlood('once'));

  it('stopped and started again in the middle of the flood, it carries on from where it was, storing each line once', () =>
    followFlood('restart', async (follower) => {
      await follower.stop();
      follower.start();
    }));

  it('re-attaching in the middle of the flood replays nothing and loses nothing', () =>
    // Cuts the live stream and reads what is there (catch-up, no tail limit), then the follow loop
    // re-attaches: both passes ask Docker for everything since the second before the newest stored line.
    followFlood('reattach', (follower) => follower.catchUp(10 * COUNT)));

  it('a catch-up after the follower fell behind stores every line since the stored ones, not only the last 100', () =>
    // Stopped after 5,000 lines, the follower misses the rest of the flood; the crash path's catchUp(100)
    // must then store all of it (a tail of 100 would leave a hole between the stored lines and the tail).
    followFlood('behind', async (follower) => {
      await follower.stop();
      await docker.getContainer(`logs-follower-behind-${RUN_ID}`).wait();
      await follower.catchUp(100);
    }));

  it('re-attaches at once, with no back-off, after a pass that stored lines', async () => {
    // The first pass reads "first" and is cut by the stall timer while the container sleeps. A pass
    // that stored lines is followed straight away by another (Docker 20.10 can end a follow before an
    // exiting container's last lines), so the late lines are stored long before the 30 s back-off.
    const deploymentId = 'follower-prompt';
    const fixture = logFixture({}, `${temp.dir}/prompt.db`);
    const container = await docker.createContainer({
      name: `logs-follower-prompt-${RUN_ID}`,
      Image: BASE_IMAGE,
      Labels: { 'berth.test': 'logs', 'berth.test.run': RUN_ID },
      Cmd: ['sh', '-c', 'echo first; usleep 800000; i=0; while [ $i -lt 1000 ]; do echo "late $i"; i=$((i+1)); done'],
      HostConfig: { LogConfig: { Type: 'json-file', Config: {} } },
    });
    const follower = new RuntimeLogFollower(docker, followerPorts(fixture), deploymentId, container.id, { stallMs: 600, retryMs: 30_000, maxRetryMs: 30_000 });
    try {
      const all = committed(fixture, deploymentId, 1001, 12_000);
      await container.start();
      follower.start();
      await all;
      expect(storedTexts(fixture, deploymentId, 'stdout')).toEqual(['first', ...Array.from({ length: 1000 }, (_, i) => `late ${i}`)]);
    } finally {
      await follower.stop();
      fixture.close();
    }
  });
});
