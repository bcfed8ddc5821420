// `berth ls`, `berth status` and `berth logs` on a Compose stack: the built CLI against a real engine (in this
// process) with a stack deployment in its store, no Docker. Services are listed with state, port, image and
// restarts; a hostile service name is printed escaped, never as a terminal control sequence.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type StackService } from '../../../shared';
import { runBerthAsync } from '../../support/berth-process';
import { startTestHost, type TestHost } from '../../support/host';
import { stackService as service } from '../../support/stack-service';

const HOSTILE = 'evil\u001b]0;pwned\u0007';

describe('berth ls / status / logs on a Compose stack', () => {
  let host: TestHost;
  let stackId: string;
  const berth = (args: readonly string[]) => runBerthAsync(args, host.dataDir);

  beforeAll(async () => {
    host = await startTestHost();
    const { store, logs } = host.engine;
    const project = store.projects.create({ name: 'shop', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    stackId = store.deployments.create(project.id, 'docker').id;
    store.deployments.update(stackId, {
      status: 'running',
      services: [
        service('web', { public: true, hostPort: 41234, containerPort: 3000, health: 'healthy' }),
        service('worker', { state: 'exited', exitCode: 137, restarts: 3 }),
        service('redis', { image: 'redis:7-alpine' }),
        service(HOSTILE),
      ],
    });
    const single = store.projects.create({ name: 'single', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    store.deployments.create(single.id, 'docker');
    logs.append(stackId, { stream: 'stdout', source: 'runtime', text: 'listening on 3000', service: 'web' });
    logs.append(stackId, { stream: 'stdout', source: 'runtime', text: 'job done', service: HOSTILE });
    logs.append(stackId, { stream: 'stderr', source: 'runtime', text: 'ERROR web failed', service: 'web' });
    logs.append(stackId, { stream: 'stderr', source: 'runtime', text: 'ERROR worker failed', service: 'worker' });
    logs.flush();
  });
  afterAll(async () => host?.stop());

  it('`berth ls` lists the stack’s services under the projects', async () => {
    const result = await berth(['ls']);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    const block = result.stdout.slice(result.stdout.indexOf('shop services:'));
    expect(block).toMatch(/SERVICE\s+STATE\s+HEALTH\s+PORT\s+IMAGE\s+RESTARTS/);
    expect(block).toMatch(/web\*\s+running\s+healthy\s+127\.0\.0\.1:41234\s+berth\/shop-web:r1\s+0/);
    expect(block).toMatch(/worker\s+exited \(137\)\s+-\s+-\s+berth\/shop-worker:r1\s+3/);
    expect(block).toMatch(/redis\s+running\s+-\s+-\s+redis:7-alpine\s+0/);
    expect(result.stdout).not.toMatch(/single services:/);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain('evil\\x1b]0;pwned\\x07');
  });

  it('`berth status` shows the deployment and its services; --json has them whole', async () => {
    const result = await berth(['status', stackId]);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/Services:\n\s+SERVICE\s+STATE/);
    expect(result.stdout).toMatch(/web\*\s+running\s+healthy\s+127\.0\.0\.1:41234/);
    expect(result.stdout).toMatch(/worker\s+exited \(137\)/);
    expect(result.stdout).not.toContain('\u001b');
    const json = await berth(['--json', 'status', stackId]);
    expect((JSON.parse(json.stdout) as { services: StackService[] }).services.map((entry) => entry.name)).toEqual(['web', 'worker', 'redis', HOSTILE]);
  });

  it('`berth logs` says which service wrote each line, escaped', async () => {
    const result = await berth(['logs', stackId]);
    expect(result.stdout).toBe('[web] listening on 3000\n[evil\\x1b]0;pwned\\x07] job done\n[web] ERROR web failed\n[worker] ERROR worker failed\n');
  });

  it('`berth logs --service` keeps to those services, with --grep too; a bad list is refused', async () => {
    expect((await berth(['logs', stackId, '--service', 'web'])).stdout).toBe('[web] listening on 3000\n[web] ERROR web failed\n');
    expect((await berth(['logs', stackId, '--service', 'worker,web', '--grep', 'ERROR'])).stdout).toBe('[web] ERROR web failed\n[worker] ERROR worker failed\n');
    const json = JSON.parse((await berth(['--json', 'logs', stackId, '--service', 'worker'])).stdout) as { lines: { text: string; service: string }[] };
    expect(json.lines.map((line) => [line.service, line.text])).toEqual([['worker', 'ERROR worker failed']]);
    const bad = await berth(['logs', stackId, '--service', 'web,,worker']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--service takes a comma list/);
  });

  it('`berth stop --remove-volumes` takes the stack down with its named volumes', async () => {
    // The file Compose ran, as the setup step leaves it (no container of it exists: down has nothing to remove).
    mkdirSync(join(host.dataDir, 'stacks', stackId), { recursive: true });
    writeFileSync(join(host.dataDir, 'stacks', stackId, 'compose.yaml'), 'services:\n  web:\n    image: berth-test/busybox:1\n');
    const result = await berth(['stop', stackId, '--remove-volumes']);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toContain(`Stopped shop (${stackId}): Compose took the stack down: containers and network removed, named volumes too.`);
    host.engine.logs.flush();
    const lines = host.engine.store.logLines.since(stackId, 0, 1000).map((line) => line.text);
    expect(lines).toContain('[STOP] down --volumes: containers, network and named volumes');
  });
});
