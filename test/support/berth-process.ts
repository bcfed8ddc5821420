import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BERTH_BIN = fileURLToPath(new URL('../../bin/berth.js', import.meta.url));

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly browserUrl: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `berth serve --json` as a real child process on the given data dir. */
export async function startServeProcess(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BERTH_BIN, 'serve', '--json'], {
    env: { ...process.env, BERTH_DATA_DIR: dataDir, BERTH_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const info = await new Promise<{ url: string; browserUrl: string }>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`berth serve did not start in 60 s.\n${output}\n${stderr}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const end = output.indexOf('}\n');
      if (end !== -1) {
        clearTimeout(timer);
        resolve(JSON.parse(output.slice(0, end + 1)) as { url: string; browserUrl: string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`berth serve exited with ${code}.\n${output}\n${stderr}`));
    });
  });
  return {
    child,
    ...info,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}

/** Runs the `berth` CLI to completion. */
export function runBerth(args: readonly string[], dataDir: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BERTH_BIN, ...args], {
    env: { ...process.env, BERTH_DATA_DIR: dataDir, BERTH_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI without blocking this process (an in-process engine must answer it), `stdin` piped in. */
export function runBerthAsync(args: readonly string[], dataDir: string, stdin: string | null = null): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], {
      env: { ...process.env, BERTH_DATA_DIR: dataDir, BERTH_LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
