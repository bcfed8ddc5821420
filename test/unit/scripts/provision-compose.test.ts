// scripts/provision.js's Compose part (docs/product-rules.md, "Compose stacks"): it finds the plugin first,
// then docker-compose, and without either installs Debian's docker-compose as root or fails naming what is
// missing. Run against fake `docker`/`docker-compose` programs on PATH, so nothing is installed here.
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';

const PROVISION = fileURLToPath(new URL('../../../scripts/provision.js', import.meta.url));
const temp = makeTempDir('berth-provision-compose-');

/** A bin dir with `docker` answering `compose version` or not, and `docker-compose` present or not. */
function fakeBin(name: string, options: { plugin: boolean; standalone: boolean }): string {
  const dir = join(temp.dir, name);
  spawnSync('mkdir', ['-p', dir]);
  const docker = options.plugin ? '#!/bin/sh\n[ "$1" = compose ] && echo "Docker Compose version v2.27.0" && exit 0\nexit 1\n' : '#!/bin/sh\necho "docker: \'compose\' is not a docker command." >&2\nexit 1\n';
  writeFileSync(join(dir, 'docker'), docker);
  chmodSync(join(dir, 'docker'), 0o755);
  if (options.standalone) {
    writeFileSync(join(dir, 'docker-compose'), '#!/bin/sh\necho "docker-compose version 1.29.2, build unknown"\n');
    chmodSync(join(dir, 'docker-compose'), 0o755);
  }
  return dir;
}

/** Runs ensureCompose() in a child with only `bin` on PATH (the fakes run with /bin/sh), optionally as nobody. */
function ensureCompose(bin: string, asNobody = false): { status: number | null; out: string } {
  const script = `import(${JSON.stringify(PROVISION)}).then((m) => { try { console.log('found:' + m.ensureCompose()); } catch (error) { console.log('error:' + error.message); process.exit(3); } })`;
  const env = { PATH: bin, HOME: temp.dir };
  const command = asNobody ? ['/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', `PATH=${env.PATH}`, process.execPath, '-e', script]] : [process.execPath, ['-e', script]];
  const result = spawnSync(command[0] as string, command[1] as string[], { env, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('provision: Compose', () => {
  afterAll(() => temp.cleanup());

  it('takes the plugin when `docker compose version` works', () => {
    expect(ensureCompose(fakeBin('plugin', { plugin: true, standalone: true })).out).toContain('found:docker compose');
  });

  it('takes docker-compose when only it works', () => {
    expect(ensureCompose(fakeBin('standalone', { plugin: false, standalone: true })).out).toContain('found:docker-compose');
  });

  it('without either and without root, fails naming what is missing and the command to run', () => {
    const bin = fakeBin('neither', { plugin: false, standalone: false });
    chmodSync(temp.dir, 0o755);
    const result = ensureCompose(bin, process.getuid?.() === 0);
    expect(result.out).toContain('error:Docker Compose (neither `docker compose` nor `docker-compose` works; Compose stacks need one) is missing and installing it needs root: run `sudo apt-get install docker-compose`.');
    expect(result.status).toBe(3);
  });
});
