// The built CLI and engine on Node 24, the line users run (this machine's Node is 20): `berth serve`,
// then add, deploy the healthy fixture, logs, stop, ls — and the client commands print no warning.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../../shared';
import { makeTempDir } from '../../support/temp-dir';
import { fixtureDir, labelledContainers, removeProjectImages, until } from '../pipeline/support';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = `${ROOT}out/main/cli.js`;

interface Node24Paths {
  readonly node: string;
  readonly nativeModules: string;
}

describe('the built CLI and engine on Node 24', () => {
  const data = makeTempDir('node24-smoke-');
  const env = { ...process.env, BERTH_DATA_DIR: data.dir, BERTH_LOG_LEVEL: 'warn', BERTH_STOP_GRACE_MS: '2000' };
  const name = `node24-smoke-${randomBytes(3).toString('hex')}`;
  let serve: ChildProcess | undefined;
  let paths: Node24Paths;

  /** One client command on Node 24, with nothing but the CLI: it must not need the engine's native module. */
  const berth = (...args: string[]) => spawnSync(paths.node, [CLI, ...args], { env, encoding: 'utf8', timeout: 180_000 });

  beforeAll(async () => {
    // @ts-expect-error plain JS module without types
    paths = ((await import('../../../scripts/provision.js')) as { node24Paths: () => Node24Paths }).node24Paths();
    const version = spawnSync(paths.node, ['--version'], { encoding: 'utf8' });
    if (!version.stdout?.startsWith('v24.')) throw new Error(`Node 24 is missing at ${paths.node}: run \`node scripts/provision.js node24\` (npm test does).`);
    serve = spawn(paths.node, ['--import', `${ROOT}test/support/node24/register.mjs`, CLI, 'serve', '--json'], { env: { ...env, BERTH_NATIVE_MODULES: paths.nativeModules }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    serve.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      let output = '';
      serve!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('}\n')) resolve();
      });
      serve!.once('exit', (code, signal) => reject(new Error(`berth serve on Node 24 exited (${signal ?? `code ${code}`}) before it listened:\n${stderr}`)));
    });
  });
  afterAll(async () => {
    // A process killed by a signal keeps exitCode null: ask for both, or this would wait for an exit that happened.
    if (serve && serve.exitCode === null && serve.signalCode === null) {
      const exited = new Promise((resolve) => serve!.once('exit', resolve));
      serve.kill('SIGTERM');
      const forced = setTimeout(() => serve!.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(forced);
    }
    await removeProjectImages([name]);
    data.cleanup();
  });

  it('adds, deploys, shows the logs of, lists and stops the healthy fixture', async () => {
    const added = berth('projects', 'add', fixtureDir('healthy'), '--name', name, '--port', '8080');
    expect(added.status, added.stderr).toBe(0);
    const deployed = berth('deploy', name);
    expect(deployed.status, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/Live at http:\/\/127\.0\.0\.1:\d+/);

    const listed = berth('ls', '--json');
    expect(listed.status, listed.stderr).toBe(0);
    const project = (JSON.parse(listed.stdout) as { name: string; deployments: Deployment[] }[]).find((candidate) => candidate.name === name)!;
    const deployment = project.deployments[0]!;
    expect(deployment.status).toBe('running');

    const logs = berth('logs', deployment.id, '--limit', '5000');
    expect(logs.status, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/\[DONE\] run .* completed/);

    const stopped = berth('stop', deployment.id);
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain('container removed');
    expect(await until(() => labelledContainers(deployment.id), (list) => list.length === 0)).toEqual([]);

    // The common commands print no runtime warning (deprecations included) on the Node users run.
    for (const result of [added, deployed, listed, logs, stopped]) expect(result.stderr).not.toMatch(/Warning/);
  });
});
