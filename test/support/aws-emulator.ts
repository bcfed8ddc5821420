// Starts the two servers the ECS tests need on 127.0.0.1: moto_server (ECS, ECR, STS, CloudWatch Logs,
// CloudWatch) and Debian's docker-registry. Both are real processes; each test file starts and stops its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, writeFileSync, readFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from './temp-dir';

export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>`: what image references and dockerd use. */
  readonly hostPort: string;
  stop(): Promise<void>;
}

interface Provisioner {
  ensureMoto(): void;
  ensureRegistry(): void;
}

/** Installs moto[server] / docker-registry if missing (idempotent; `npm test` has done it already). */
async function provisioner(): Promise<Provisioner> {
  // @ts-expect-error plain JS module without types
  return (await import('../../scripts/provision.js')) as Provisioner;
}

/** Dummy credentials moto accepts; the SDK's default chain reads them from the environment. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const EMULATOR_REGION = 'us-east-1';

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswers(url: string, child: ChildProcess, logFile: string, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.pid === undefined) throw new Error(`${what} did not start`);
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not answer on ${url} within 60 s:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

function stopper(child: ChildProcess, cleanup: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    cleanup();
  };
}

async function startProcess(
  what: string,
  command: string,
  args: string[],
  port: number,
  temp: { dir: string; cleanup: () => void },
  probePath: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningServer> {
  const logFile = join(temp.dir, `${what}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  closeSync(log);
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`${what} could not start (${error.message}). Run \`node scripts/provision.js registry moto\` first.`))),
  );
  spawnFailed.catch(() => undefined);
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilAnswers(`${url}${probePath}`, child, logFile, what), spawnFailed]);
  } catch (error) {
    temp.cleanup();
    throw error;
  }
  return { url, hostPort: `127.0.0.1:${port}`, stop: stopper(child, temp.cleanup) };
}

export interface MotoOptions {
  /**
   * moto keeps a service's deployment in the state of its creation: with `servicesRunning: 1` every
   * new service reports one running task and a COMPLETED rollout; with 0 (moto's default) it stays
   * IN_PROGRESS for ever.
   */
  readonly servicesRunning?: number;
  /** Enforce IAM authentication from the first request (unknown access keys are refused). */
  readonly enforceAuth?: boolean;
}

/**
 * `moto_server -H 127.0.0.1 -p <port>`, through test/support/moto_server.py (moto plus the agent's
 * SubmitContainerStateChange, which moto lacks); one endpoint serves every AWS service Berth uses.
 */
export async function startMoto(options: MotoOptions = {}): Promise<RunningServer> {
  (await provisioner()).ensureMoto();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { MOTO_ECS_SERVICE_RUNNING: String(options.servicesRunning ?? 0) };
  if (options.enforceAuth) env['INITIAL_NO_AUTH_ACTION_COUNT'] = '0';
  // Run through python3, not the `moto_server` script, so it does not matter where pip put its scripts.
  const launcher = fileURLToPath(new URL('./moto_server.py', import.meta.url));
  return startProcess('moto_server', 'python3', [launcher, '-H', '127.0.0.1', '-p', String(port)], port, makeTempDir('berth-ecs-moto-'), '/moto-api/', env);
}

/** Debian's docker-registry with storage in a temp dir. dockerd pushes to 127.0.0.0/8 without TLS. */
export async function startRegistry(): Promise<RunningServer> {
  (await provisioner()).ensureRegistry();
  const port = await freePort();
  const temp = makeTempDir('berth-ecs-registry-');
  const config = join(temp.dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(temp.dir, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  return startProcess('docker-registry', 'docker-registry', ['serve', config], port, temp, '/v2/');
}

/** Points the SDK's default credential chain and Berth's endpoint at the emulator; returns a restore. */
export function useEmulatorEnvironment(moto: RunningServer): () => void {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_PROFILE', 'BERTH_AWS_ENDPOINT', 'AWS_EC2_METADATA_DISABLED'] as const;
  const saved = new Map(names.map((name) => [name, process.env[name]]));
  process.env['AWS_ACCESS_KEY_ID'] = EMULATOR_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = EMULATOR_CREDENTIALS.secretAccessKey;
  process.env['AWS_REGION'] = EMULATOR_REGION;
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  delete process.env['AWS_PROFILE'];
  process.env['BERTH_AWS_ENDPOINT'] = moto.url;
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
