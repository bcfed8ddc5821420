// BENCH ingest_docker: lines/s persisted by Berth's runtime log follower (the monitor's path: Docker
// socket stream with timestamps → demuxer → replay check → batched writer → SQLite commit) from a
// container flooding its output, vs the `docker logs -f` CLI following the same container into
// /dev/null at the same time. Both attach as it starts and are timed from its start to their own last
// line (for Berth: the commit that makes it durable), so both face the same live flood on the same
// machine at the same moment.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { RuntimeLogFollower } from '../electron/engine/monitor/runtime-log-follower';
import { Store } from '../electron/engine/store/store';
import { makeTempDir } from '../test/support/temp-dir';
import { createFloodContainer, removeTestContainers } from '../test/integration/logs/docker-flood';
import { median } from './support/stats';

const PER_STREAM = Number(process.env['BENCH_LINES'] ?? 50_000);
const LINES = PER_STREAM * 2;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const docker = new Dockerode();
const temp = makeTempDir('bench-ingest-docker-');

/** `docker logs -f` following the container into /dev/null until its last line. */
async function followWithCli(container: Dockerode.Container, started: number): Promise<number> {
  const devNull = openSync('/dev/null', 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('docker', ['logs', '-f', container.id], { stdio: ['ignore', devNull, devNull] });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker logs exited ${code}`))));
    });
    return LINES / ((performance.now() - started) / 1000);
  } finally {
    closeSync(devNull);
  }
}

/**
 * Berth's path: the runtime log follower the monitor runs for every container, timed until the commit
 * that stores the container's last line. If Docker ends the follow early, the follower re-attaches
 * from its last timestamp, as it does in the app.
 */
async function followWithBerth(container: Dockerode.Container, started: number, writer: LogWriter, store: Store): Promise<number> {
  let committed = 0;
  const allStored = new Promise<number>((resolve) => {
    writer.onCommit((deploymentId, lines) => {
      if (deploymentId !== 'bench') return;
      committed += lines.length;
      if (committed >= LINES) resolve(performance.now());
    });
  });
  const follower = new RuntimeLogFollower(docker, { logs: writer, stored: store.logLines, state: store.state }, 'bench', container.id);
  follower.start();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`only ${committed} of ${LINES} lines were stored after 120 s`)), 120_000);
  });
  const finished = await Promise.race([allStored, timeout]).finally(() => clearTimeout(timer));
  await follower.stop();
  const stored = store.logLines.lastLineNo('bench');
  if (stored !== LINES) throw new Error(`stored ${stored} of ${LINES} lines`);
  return LINES / ((finished - started) / 1000);
}

await removeTestContainers(docker);
try {
  const rates = { cli: [] as number[], berth: [] as number[] };
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // One flooding container per round, followed by both at once.
    const container = await createFloodContainer(docker, `logs-bench-flood-${round}`, 'bench', PER_STREAM);
    // Berth's store is open before the flood, as it is in the running app.
    const store = Store.open(join(temp.dir, `round-${round}.db`));
    const writer = new LogWriter(store);
    const started = performance.now();
    await container.start();
    // Both attach at once right after the start; each reads the log from its first line.
    const [cli, ours] = await Promise.all([followWithCli(container, started), followWithBerth(container, started, writer, store)]).finally(() => {
      writer.close();
      store.close();
    });
    await container.remove({ force: true });
    rates.cli.push(cli);
    rates.berth.push(ours);
    ratios.push(ours / cli);
  }
  process.stdout.write(`# docker logs -f ${Math.round(median(rates.cli))} lines/s, berth ${Math.round(median(rates.berth))} lines/s persisted (medians of ${ROUNDS} pairs, ${LINES} lines each); ratios ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}\n`);
  process.stdout.write(`BENCH ingest_docker ${Math.round(median(rates.berth))} lines/s ratio=${median(ratios).toFixed(2)}\n`);
} finally {
  await removeTestContainers(docker);
  temp.cleanup();
}
