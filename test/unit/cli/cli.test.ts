import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBerth, startServeProcess, type ServeProcess } from '../../support/berth-process';
import { makeTempDir } from '../../support/temp-dir';

describe('berth CLI against a running `berth serve`', () => {
  const temp = makeTempDir('berth-cli-');
  const dataDir = join(temp.dir, 'data');
  const projectDir = join(temp.dir, 'my-app');
  let serve: ServeProcess;

  beforeAll(async () => {
    mkdirSync(projectDir);
    serve = await startServeProcess(dataDir);
  }, 90_000);
  afterAll(async () => {
    await serve.stop();
    temp.cleanup();
  });

  it('adds a project and lists it with --json', () => {
    const added = runBerth(['projects', 'add', projectDir, '--name', 'demo', '--port', '3000'], dataDir);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(/Added demo \(demo, docker\)/);

    const listed = runBerth(['ls', '--json'], dataDir);
    expect(listed.status).toBe(0);
    const projects = JSON.parse(listed.stdout) as { name: string; slug: string; sourceDir: string; settings: { port: number }; deployments: unknown[] }[];
    expect(projects).toHaveLength(1);
    expect(projects[0]).toMatchObject({ name: 'demo', slug: 'demo', sourceDir: projectDir, settings: { port: 3000 }, deployments: [] });
  });

  it('adds an ECS project with its settings from flags, and rejects a bad public URL', () => {
    const added = runBerth(
      ['projects', 'add', projectDir, '--name', 'cloud', '--target', 'ecs', '--region', 'eu-west-1', '--cluster', 'main', '--service', 'web', '--public-url', 'https://web.example.com', '--json'],
      dataDir,
    );
    expect(added.status).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ target: 'ecs', settings: { ecs: { region: 'eu-west-1', cluster: 'main', service: 'web', publicUrl: 'https://web.example.com' } } });
    const bad = runBerth(['projects', 'add', projectDir, '--target', 'ecs', '--public-url', 'not a url'], dataDir);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/settings\.ecs\.publicUrl/);
    runBerth(['projects', 'rm', 'cloud'], dataDir);
  });

  it('prints a human table by default', () => {
    const listed = runBerth(['ls'], dataDir);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^PROJECT\s+TARGET\s+DEPLOYMENT\s+STATUS/);
    expect(listed.stdout).toMatch(/demo\s+docker\s+-\s+pending/);
  });

  it('exits non-zero with a message that says what to do on a missing deployment', () => {
    const status = runBerth(['status', 'dep_missing'], dataDir);
    expect(status.status).toBe(1);
    expect(status.stderr).toMatch(/No deployment with id or name "dep_missing"\. List them with `berth ls`/);
    const json = runBerth(['status', 'dep_missing', '--json'], dataDir);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('rejects bad arguments before calling the engine (exit 2)', () => {
    const badPort = runBerth(['projects', 'add', projectDir, '--port', '99999'], dataDir);
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toMatch(/--port.*1 to 65535/);
    const badTarget = runBerth(['projects', 'add', projectDir, '--target', 'k8s'], dataDir);
    expect(badTarget.status).toBe(2);
    const badLimit = runBerth(['logs', 'x', '--limit', 'lots'], dataDir);
    expect(badLimit.status).toBe(2);
  });

  it('reports a server-side validation error with the field', () => {
    const missing = runBerth(['projects', 'add', join(temp.dir, 'nope')], dataDir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/sourceDir: .* is not a directory/);
  });

  it('says how to start the engine when none is running', () => {
    const other = makeTempDir('berth-cli-empty-');
    const result = runBerth(['ls'], other.dir);
    other.cleanup();
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/No running Berth engine found .* Start one with `berth serve`/);
  });
});
