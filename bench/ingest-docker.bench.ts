// BENCH ingest_docker: lines/s persisted (demuxer → writer → SQLite commit) from a container that
// flooded its output, vs the `docker logs -f` CLI reading the same container into /dev/null.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { pumpDockerLogs } from '../electron/engine/logs/docker-demux';
import { openDockerLogStream } from '../electron/engine/logs/docker-log-stream';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { Store } from '../electron/engine/store/store';
import { makeTempDir } from '../test/support/temp-dir';
import { createFloodContainer, removeTestContainers } from '../test/integration/logs/docker-flood';

const PER_STREAM = Number(process.env['BENCH_LINES'] ?? 100_000);
const LINES = PER_STREAM * 2;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const docker = new Dockerode();
const temp = makeTempDir('bench-ingest-docker-');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function dockerCli(id: string): Promise<number> {
  const devNull = openSync('/dev/null', 'w');
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('docker', ['logs', '-f', id], { stdio: ['ignore', devNull, devNull] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker logs exited ${code}`))));
  });
  const seconds = (performance.now() - start) / 1000;
  closeSync(devNull);
  return LINES / seconds;
}

async function berth(container: Dockerode.Container, round: number): Promise<number> {
  const store = Store.open(join(temp.dir, `round-${round}.db`));
  const writer = new LogWriter(store);
  const start = performance.now();
  const stream = await openDockerLogStream(docker, container.id, { follow: true });
  await pumpDockerLogs(stream, { tty: false, onLines: writer.sink('bench', { source: 'runtime' }) });
  writer.flush();
  const seconds = (performance.now() - start) / 1000;
  const stored = store.logLines.lastLineNo('bench');
  writer.close();
  store.close();
  if (stored !== LINES) throw new Error(`stored ${stored} of ${LINES} lines`);
  return LINES / seconds;
}

await removeTestContainers(docker);
const container = await createFloodContainer(docker, 'logs-bench-flood', 'bench', PER_STREAM);
try {
  await container.start();
  await container.wait();
  const rates = { cli: [] as number[], berth: [] as number[] };
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate who goes first so page-cache warmth and machine load fall on both sides alike.
    const cli = round % 2 === 0 ? await dockerCli(container.id) : 0;
    const ours = await berth(container, round);
    const cliRate = round % 2 === 0 ? cli : await dockerCli(container.id);
    rates.cli.push(cliRate);
    rates.berth.push(ours);
    ratios.push(ours / cliRate);
  }
  process.stdout.write(`# docker logs -f ${Math.round(median(rates.cli))} lines/s, berth ${Math.round(median(rates.berth))} lines/s persisted (medians of ${ROUNDS} pairs, ${LINES} lines); ratios ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}\n`);
  process.stdout.write(`BENCH ingest_docker ${Math.round(median(rates.berth))} lines/s ratio=${median(ratios).toFixed(2)}\n`);
} finally {
  await container.remove({ force: true });
  await removeTestContainers(docker);
  temp.cleanup();
}
