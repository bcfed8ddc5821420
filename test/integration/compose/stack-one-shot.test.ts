// A one-shot service (a migration) that exits 0 has done its job: verify accepts it, the stack stays running, and
// its exit is an [EXIT] line, not a crash; a one-shot that fails degrades the stack (docs/product-rules.md,
// "Compose stacks").
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../pipeline/support';
import { composeProjectName, stackContainers } from '../../../electron/engine/docker/compose';
import { docker, useStackTestEngine } from './compose-harness';

const WEB = '  web:\n    image: berth-test/busybox:1\n    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/health && exec httpd -f -p 8080 -h /www"]\n    ports: ["8080"]\n';

describe('compose stack: one-shot services', () => {
  const stack = useStackTestEngine('berth-compose-oneshot-');

  it('a migration that exits 0 finishes; the stack is running and nothing crashed', async () => {
    const dir = join(stack.temp.dir, 'ok');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compose.yaml'), `services:\n${WEB}  migrate:\n    image: berth-test/busybox:1\n    command: ["sh", "-c", "echo migrated"]\n`);
    const { finished, deploymentId } = await stack.deploy(stack.project('oneshot', {}, dir));
    expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
    const current = () => stack.test.engine.store.deployments.get(deploymentId)!;
    expect(current().status).toBe('running');
    expect(current().services!.find((service) => service.name === 'migrate')).toMatchObject({ state: 'exited', exitCode: 0 });
    stack.test.engine.logs.flush();
    const lines = stack.test.engine.store.logLines.since(deploymentId, 0, 10_000);
    expect(lines.some((line) => line.step === 'verify' && line.text === 'service migrate: finished (exit code 0)')).toBe(true);
    await until(async () => { stack.test.engine.logs.flush(); return stack.test.engine.store.logLines.since(deploymentId, 0, 10_000); }, (all) => all.some((line) => line.service === 'migrate' && line.text === 'migrated'), 10_000);
    // A few monitor rounds later it is still running, with no crash reported.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(current().status).toBe('running');
    expect(stack.test.engine.store.logLines.since(deploymentId, 0, 10_000).some((line) => line.text.startsWith('[CRASH]'))).toBe(false);
  });

  it('a one-shot that fails fails verify, naming it and its exit code', async () => {
    const dir = join(stack.temp.dir, 'bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compose.yaml'), `services:\n${WEB}  migrate:\n    image: berth-test/busybox:1\n    command: ["sh", "-c", "echo migration failed; exit 4"]\n`);
    const { finished } = await stack.deploy(stack.project('oneshot-bad', {}, dir));
    expect(finished.failure).toMatchObject({ code: 'CONTAINER_START_FAILED', stage: 'verify' });
    expect(finished.failure!.likelyCause).toContain('Service migrate exited with code 4');
  });

  it('a service behind a profile or scaled to 0 is neither started nor waited for; COMPOSE_PROFILES in the .env turns the profile on', async () => {
    const dir = join(stack.temp.dir, 'profiles');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compose.yaml'), `services:\n${WEB}  debug:\n    image: berth-test/busybox:1\n    profiles: ["debug"]\n    command: ["sh", "-c", "echo debugging; exec sleep 3600"]\n  idle:\n    image: berth-test/busybox:1\n    scale: 0\n    command: ["sh", "-c", "exec sleep 3600"]\n`);
    const project = stack.test.project('profiles', {}, dir);
    stack.slugs.push(project.slug);
    const first = await stack.test.engine.controller.deploy(project);
    stack.deployments.push(first.deployment.id);
    const finished = await stack.test.waitForRun(first.run.id, undefined, 120_000);
    expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
    expect(stack.test.engine.store.deployments.get(first.deployment.id)!.services!.map((service) => service.name)).toEqual(['web']);
    stack.test.engine.logs.flush();
    expect(stack.test.engine.store.logLines.since(first.deployment.id, 0, 10_000).some((line) => line.step === 'detect' && line.text.endsWith('not started: its profiles (debug) are not in COMPOSE_PROFILES'))).toBe(true);
    expect(stack.test.engine.store.logLines.since(first.deployment.id, 0, 10_000).some((line) => line.step === 'detect' && line.text.endsWith('idle: compose.yaml line 10: not started: scale: 0'))).toBe(true);

    writeFileSync(join(dir, '.env'), 'COMPOSE_PROFILES=debug\n');
    const second = await stack.test.engine.controller.deploy(project);
    expect((await stack.test.waitForRun(second.run.id, undefined, 120_000)).status).toBe('completed');
    const services = stack.test.engine.store.deployments.get(first.deployment.id)!.services!;
    expect(services.map((service) => [service.name, service.state]).sort()).toEqual([['debug', 'running'], ['web', 'running']]);
  });

  it("deleting a stack's project takes its containers down and removes its files from the data dir", async () => {
    const project = stack.test.engine.store.projects.list().find((candidate) => candidate.slug === stack.slugs[0])!;
    const deployment = stack.test.engine.store.deployments.listForProject(project.id)[0]!;
    const stackDir = join(stack.test.dataDir, 'stacks', deployment.id);
    expect(existsSync(join(stackDir, 'compose.yaml'))).toBe(true);
    expect(await stack.test.engine.dispatch('deleteProject', { id: project.id })).toMatchObject({ ok: true });
    for (let waited = 0; existsSync(stackDir) && waited < 20_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(stackDir)).toBe(false);
    expect(await stackContainers(docker, composeProjectName(deployment.id))).toEqual([]);
  });
});
