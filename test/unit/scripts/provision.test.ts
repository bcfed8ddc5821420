import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

interface Provisioning {
  dockerdPids: () => number[];
}
async function provisioning(): Promise<Provisioning> {
  // @ts-expect-error plain JS module without types
  return (await import('../../../scripts/provision.js')) as Provisioning;
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 50) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('provision: finding a live dockerd', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('does not count a zombie dockerd (an exited engine nobody reaped), which pgrep would', async () => {
    // A stand-in process named "dockerd" (a copy of sleep) whose parent never reaps it: the parent execs sleep.
    const dir = mkdtempSync(join(tmpdir(), 'berth-zombie-'));
    copyFileSync('/bin/sleep', join(dir, 'dockerd'));
    const parent = spawn('sh', ['-c', `"${dir}/dockerd" 60 & echo $! > "${dir}/pid"; exec sleep 60`], { stdio: 'ignore' });
    cleanups.push(() => {
      parent.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    const pidFile = join(dir, 'pid');
    await until('the stand-in to start', () => {
      try {
        return Number(readFileSync(pidFile, 'utf8')) > 0;
      } catch {
        return false;
      }
    });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const { dockerdPids } = await provisioning();
    await until('the stand-in to be listed', () => dockerdPids().includes(pid));

    process.kill(pid, 'SIGKILL');
    const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
    await until('the stand-in to be a zombie', () => state() === 'Z');
    expect(spawnSync('pgrep', ['-x', 'dockerd'], { encoding: 'utf8' }).stdout.split('\n')).toContain(String(pid));
    expect(dockerdPids()).not.toContain(pid);
  });
});
