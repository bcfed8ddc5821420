// `berth deploy <project>` against a real `berth serve`: streams step progress, exits 0 when the run
// completes and non-zero (with the failure and its evidence) when it fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, Project, RunDetail } from '../../../shared';
import { makeTempDir } from '../../support/temp-dir';
import { ROOT, fixtureDir, killHard, labelledContainers, removeProjectImages, serve, until, type Serve } from './support';

function berth(dataDir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/berth.js'), ...args], { env: { ...process.env, BERTH_DATA_DIR: dataDir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('berth deploy (CLI)', () => {
  const data = makeTempDir('pipeline-cli-');
  let host: Serve;
  let child: ChildProcess;
  const projects: Project[] = [];
  beforeAll(async () => {
    host = await serve(data.dir);
    child = host.child;
  });
  afterAll(async () => {
    for (const deployment of await host.call<Deployment[]>('GET', '/api/deployments')) {
      await host.call('DELETE', `/api/deployments/${deployment.id}`);
      // The stop answers at once; wait for its sequence before the engine is killed.
      await until(() => labelledContainers(deployment.id), (list) => list.length === 0);
    }
    await killHard(child);
    await removeProjectImages(projects.map((project) => project.slug));
    data.cleanup();
  });

  const add = async (fixture: string): Promise<Project> => {
    const project = await host.call<Project>('POST', '/api/projects', { name: `pipeline-cli-${fixture}-${randomBytes(3).toString('hex')}`, sourceDir: fixtureDir(fixture), target: 'docker' });
    projects.push(project);
    return project;
  };

  it('streams the steps and exits 0 with the URL when the run completes', async () => {
    const project = await add('healthy');
    const result = await berth(data.dir, 'deploy', project.slug);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^build\s+running$/m);
    expect(result.stdout).toMatch(/^done\s+success/m);
    expect(result.stdout).toMatch(/completed in/);
    expect(result.stdout).toMatch(/Live at http:\/\/127\.0\.0\.1:\d+/);
    const runs = await berth(data.dir, 'runs', project.slug);
    expect(runs.stdout).toMatch(/deploy\s+completed/);

    // `berth stop` waits for the stop sequence the API runs in the background.
    const [deployment] = (await host.call<Deployment[]>('GET', '/api/deployments')).filter((listed) => listed.projectId === project.id);
    const stopped = await berth(data.dir, 'stop', deployment!.id);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain('container removed, port released');
    expect(await labelledContainers(deployment!.id)).toEqual([]);
  });

  it('exits non-zero with the failure code and the evidence line when the run fails', async () => {
    const project = await add('build-fails');
    const result = await berth(data.dir, 'deploy', project.slug);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Failure: DOCKER_IMAGE_BUILD_FAILED at build (build_failure)');
    expect(result.stdout).toMatch(/Evidence \(line \d+\): error: missing dependency left-pad/);
    expect(result.stderr).toMatch(/The run failed\. See `berth run run_/);
    const [deployment] = (await host.call<Deployment[]>('GET', '/api/deployments')).filter((listed) => listed.projectId === project.id);
    expect(await labelledContainers(deployment!.id)).toEqual([]);
  });

  it('the HTTP run endpoints: a second deploy is 409, pause/resume/stop answer with the run, a finished run cannot be paused', async () => {
    const project = await add('slow-start');
    const { run } = await host.call<{ run: RunDetail }>('POST', `/api/projects/${project.id}/deploy`);
    await expect(host.call('POST', `/api/projects/${project.id}/deploy`)).rejects.toThrow(/409 .*CONFLICT/);
    const paused = await host.call<RunDetail>('POST', `/api/runs/${run.id}/pause`);
    expect(paused.id).toBe(run.id);
    await until(() => host.call<RunDetail>('GET', `/api/runs/${run.id}`), (current) => current.status === 'paused');
    await host.call<RunDetail>('POST', `/api/runs/${run.id}/resume`);
    await until(() => host.call<RunDetail>('GET', `/api/runs/${run.id}`), (current) => current.status !== 'paused');
    const stopped = await host.call<RunDetail>('POST', `/api/runs/${run.id}/stop`);
    expect(['stopped', 'completed']).toContain(stopped.status);
    await expect(host.call('POST', `/api/runs/${run.id}/pause`)).rejects.toThrow(/409 .*CONFLICT/);
    const runs = await host.call<RunDetail[]>('GET', `/api/projects/${project.id}/runs`);
    expect(runs[0]!.id).toBe(run.id);
    expect(runs[0]!.steps.map((step) => step.name)).toEqual(['detect', 'build', 'setup', 'deploy', 'verify', 'done']);
    const releases = await host.call<unknown[]>('GET', `/api/projects/${project.id}/releases`);
    expect(Array.isArray(releases)).toBe(true);
  });
});
