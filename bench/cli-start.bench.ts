// BENCH cli_start: the wall time of `berth ls --json` (process start → exit) against a running engine
// (`berth serve` on a fresh data dir, one project), vs `docker ps` against the Docker engine in the
// same run: both are a CLI process that asks a local daemon for a list and prints it. The two
// alternate, one pair per round; `node -e 0` is timed too, as the floor any Node CLI starts from.
// Target: ≤ 150 ms.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH_BIN, runBerth, startServeProcess } from '../test/support/berth-process';
import { ensureCliBuild } from '../test/support/cli-build';
import { makeTempDir } from '../test/support/temp-dir';
import { median } from './support/stats';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 21);

/** Runs a command to completion; its wall time in ms. */
function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr}`);
  return elapsed;
}

ensureCliBuild();
const temp = makeTempDir('bench-cli-start-');
const dataDir = join(temp.dir, 'data');
const serve = await startServeProcess(dataDir);
try {
  mkdirSync(join(temp.dir, 'app'));
  const added = runBerth(['projects', 'add', join(temp.dir, 'app'), '--name', 'bench-app', '--port', '8080'], dataDir);
  if (added.status !== 0) throw new Error(`berth projects add failed: ${added.stderr}`);
  const env = { ...process.env, BERTH_DATA_DIR: dataDir, BERTH_LOG_LEVEL: 'warn' };
  const berth = () => timed(process.execPath, [BERTH_BIN, 'ls', '--json'], env);
  const docker = () => timed('docker', ['ps'], env);
  const bareNode = () => timed(process.execPath, ['-e', '0'], env);
  // Warm each once (the page cache for node_modules and the docker binary, the engine's first queries).
  const listed = spawnSync(process.execPath, [BERTH_BIN, 'ls', '--json'], { env, encoding: 'utf8' });
  if ((JSON.parse(listed.stdout) as unknown[]).length !== 1) throw new Error(`berth ls --json did not list the project: ${listed.stdout}${listed.stderr}`);
  docker();
  bareNode();
  const ours: number[] = [];
  const baseline: number[] = [];
  const floor: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate the order so neither side always runs right after the other.
    if (round % 2 === 0) {
      ours.push(berth());
      baseline.push(docker());
    } else {
      baseline.push(docker());
      ours.push(berth());
    }
    floor.push(bareNode());
  }
  const berthMs = median(ours);
  const dockerMs = median(baseline);
  process.stdout.write(`# docker ps median ${dockerMs.toFixed(0)} ms over ${ROUNDS} rounds: ${baseline.map((value) => value.toFixed(0)).join(' ')}\n`);
  process.stdout.write(`# node -e 0 median ${median(floor).toFixed(0)} ms\n`);
  process.stdout.write(`# berth ls --json median ${berthMs.toFixed(0)} ms (target ≤ 150 ms): ${ours.map((value) => value.toFixed(0)).join(' ')}\n`);
  process.stdout.write(`BENCH cli_start ${berthMs.toFixed(0)} ms ratio=${(berthMs / dockerMs).toFixed(2)}\n`);
} finally {
  await serve.stop();
  temp.cleanup();
}
