// BENCH ingest_docker: lines/s persisted (socket stream → demuxer → writer → SQLite commit) from a
// container flooding its output, vs the `docker logs -f` CLI following an identical container into
// /dev/null. Each side follows from before the container starts until its last line, so both are
// measured against the same live flood; rounds alternate so machine load falls on both alike.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { pumpDockerLogs } from '../electron/engine/logs/docker-demux';
import { openDockerLogStream } from '../electron/engine/logs/docker-log-stream';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { Store } from '../electron/engine/store/store';
import { makeTempDir } from '../test/support/temp-dir';
import { createFloodContainer, removeTestContainers } from '../test/integration/logs/docker-flood';
import { median } from './support/stats';

const PER_STREAM = Number(process.env['BENCH_LINES'] ?? 50_000);
const LINES = PER_STREAM * 2;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const docker = new Dockerode();
const temp = makeTempDir('bench-ingest-docker-');

async function withCli(round: number): Promise<number> {
  const container = await createFloodContainer(docker, `logs-bench-cli-${round}`, 'bench', PER_STREAM);
  const devNull = openSync('/dev/null', 'w');
  try {
    const start = performance.now();
    await container.start();
    await new Promise<void>((resolve, reject) => {
      const child = spawn('docker', ['logs', '-f', container.id], { stdio: ['ignore', devNull, devNull] });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker logs exited ${code}`))));
    });
    return LINES / ((performance.now() - start) / 1000);
  } finally {
    closeSync(devNull);
    await container.remove({ force: true });
  }
}

async function withBerth(round: number): Promise<number> {
  const container = await createFloodContainer(docker, `logs-bench-berth-${round}`, 'bench', PER_STREAM);
  const store = Store.open(join(temp.dir, `round-${round}.db`));
  const writer = new LogWriter(store);
  try {
    const start = performance.now();
    await container.start();
    const stream = await openDockerLogStream(docker, container.id, { follow: true });
    await pumpDockerLogs(stream, { tty: false, onLines: writer.sink('bench', { source: 'runtime' }) });
    writer.flush();
    const seconds = (performance.now() - start) / 1000;
    const stored = store.logLines.lastLineNo('bench');
    if (stored !== LINES) throw new Error(`stored ${stored} of ${LINES} lines`);
    return LINES / seconds;
  } finally {
    writer.close();
    store.close();
    await container.remove({ force: true });
  }
}

await removeTestContainers(docker);
try {
  const rates = { cli: [] as number[], berth: [] as number[] };
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0 ? await withCli(round) : await withBerth(round);
    const second = round % 2 === 0 ? await withBerth(round) : await withCli(round);
    const [cli, ours] = round % 2 === 0 ? [first, second] : [second, first];
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
