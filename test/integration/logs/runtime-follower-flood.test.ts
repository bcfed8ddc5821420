// The monitor's runtime log follower under a flood on both streams, against the real engine: every
// line is stored exactly once, also across a re-attach in the middle of the flood. Docker stamps stdout
// and stderr in separate goroutines, so stamps are not in order across the two streams; a follower that
// skips "older than the newest stored line" loses lines here.
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeLogFollower } from '../../../electron/engine/monitor/runtime-log-follower';
import { logFixture } from '../../unit/logs/fixture';
import { makeTempDir } from '../../support/temp-dir';
import { createFloodContainer, removeTestContainers } from './docker-flood';

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

  const expectEveryLineOnce = (fixture: Fixture, deploymentId: string): void => {
    expect(storedTexts(fixture, deploymentId, 'stdout')).toEqual(Array.from({ length: COUNT }, (_, i) => `out ${i} é`));
    expect(storedTexts(fixture, deploymentId, 'stderr')).toEqual(Array.from({ length: COUNT }, (_, i) => `err ${i}`));
  };

  it('stores every line exactly once, in each stream\'s order', async () => {
    const fixture = logFixture({}, `${temp.dir}/once.db`);
    const container = await createFloodContainer(docker, 'logs-follower-once', 'follower-once', COUNT);
    const follower = new RuntimeLogFollower(docker, fixture.store, fixture.writer, 'follower-once', container.id);
    try {
      const all = committed(fixture, 'follower-once', 2 * COUNT);
      await container.start();
      follower.start();
      await all;
      await container.wait();
      await follower.stop();
      expectEveryLineOnce(fixture, 'follower-once');
    } finally {
      await follower.stop();
      fixture.close();
    }
  });

  it('stopped and started again in the middle of the flood, it carries on from where it was, storing each line once', async () => {
    const fixture = logFixture({}, `${temp.dir}/restart.db`);
    const container = await createFloodContainer(docker, 'logs-follower-restart', 'follower-restart', COUNT);
    const follower = new RuntimeLogFollower(docker, fixture.store, fixture.writer, 'follower-restart', container.id);
    try {
      const some = committed(fixture, 'follower-restart', 5_000);
      const all = committed(fixture, 'follower-restart', 2 * COUNT);
      await container.start();
      follower.start();
      await some;
      await follower.stop();
      follower.start();
      await all;
      await container.wait();
      await follower.stop();
      expectEveryLineOnce(fixture, 'follower-restart');
    } finally {
      await follower.stop();
      fixture.close();
    }
  });

  it('re-attaching in the middle of the flood replays nothing and loses nothing', async () => {
    const fixture = logFixture({}, `${temp.dir}/reattach.db`);
    const container = await createFloodContainer(docker, 'logs-follower-reattach', 'follower-reattach', COUNT);
    const follower = new RuntimeLogFollower(docker, fixture.store, fixture.writer, 'follower-reattach', container.id, { retryMs: 50 });
    try {
      const some = committed(fixture, 'follower-reattach', 5_000);
      const all = committed(fixture, 'follower-reattach', 2 * COUNT);
      await container.start();
      follower.start();
      await some;
      // Cuts the live stream and reads what is there (catch-up, no tail limit), then the follow loop
      // re-attaches: both passes ask Docker for everything since the second before the newest stored line.
      await follower.catchUp(10 * COUNT);
      await all;
      await container.wait();
      await follower.stop();
      expectEveryLineOnce(fixture, 'follower-reattach');
    } finally {
      await follower.stop();
      fixture.close();
    }
  });
});
