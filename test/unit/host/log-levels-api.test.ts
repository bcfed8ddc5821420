// Log levels over the HTTP API: a real engine on a temp data dir, lines seeded through its log writer
// (no Docker). Counts per level, and `level` on every line of GET logs, logs/around, the SSE stream and search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type LogLevelCounts, type LogLine, type LogPage, type LogsAround, type SearchHit } from '../../../shared';
import { decodeSse } from '../../../shared/sse-decoder';
import { startTestHost, type TestHost } from '../../support/host';

const none = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, unknown: 0 };

describe('log levels over the HTTP API', () => {
  let host: TestHost;
  let deploymentId: string;
  let otherDeploymentId: string;
  let firstRunId: string;
  let latestRunId: string;
  let foreignRunId: string;
  /** Each seeded line's text and the level the API must give it. */
  const expected = new Map<string, string>();

  beforeAll(async () => {
    host = await startTestHost();
    const { store, logs } = host.engine;
    const project = store.projects.create({ name: 'levels', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    deploymentId = store.deployments.create(project.id, 'docker').id;
    const otherProject = store.projects.create({ name: 'levels-other', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    otherDeploymentId = store.deployments.create(otherProject.id, 'docker').id;
    firstRunId = store.runs.create({ projectId: project.id, deploymentId, kind: 'deploy', steps: ['build', 'deploy'] }).id;
    latestRunId = store.runs.create({ projectId: project.id, deploymentId, kind: 'redeploy', steps: ['build', 'deploy'] }).id;
    foreignRunId = store.runs.create({ projectId: otherProject.id, deploymentId: otherDeploymentId, kind: 'deploy', steps: ['build'] }).id;

    const deploy = (runId: string, stream: 'stdout' | 'stderr', text: string, level: string) => {
      logs.append(deploymentId, { stream, source: 'deploy', runId, step: 'build', text });
      expected.set(text, level);
    };
    const runtime = (stream: 'stdout' | 'stderr', text: string, level: string) => {
      logs.append(deploymentId, { stream, source: 'runtime', runId: latestRunId, text });
      expected.set(text, level);
    };
    deploy(firstRunId, 'stdout', 'Step 1/3 : FROM node:22-slim', 'unknown');
    deploy(firstRunId, 'stderr', '#9 ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1', 'error');
    logs.system(deploymentId, `[FAILED] run ${firstRunId} failed at build: BUILD_FAILED.`, { runId: firstRunId, source: 'deploy' });
    expected.set(`[FAILED] run ${firstRunId} failed at build: BUILD_FAILED.`, 'error');
    deploy(latestRunId, 'stderr', '#8 0.532 npm WARN deprecated inflight@1.0.6', 'warn');
    deploy(latestRunId, 'stdout', '#8 0.900 added 120 packages in 3s', 'unknown');
    runtime('stdout', '{"level":30,"time":1733307072345,"msg":"listening"}', 'info');
    runtime('stderr', 'GET /api/error-report 200', 'unknown');
    runtime('stderr', '2024/12/04 10:11:12 [error] 7#7: *1 open() "/x" failed', 'error');
    runtime('stdout', 'time=2024-12-04T10:11:12Z level=WARN msg="disk almost full"', 'warn');
    runtime('stdout', 'E1204 10:11:12.123456       1 main.go:42] lost leader', 'error');
    logs.system(deploymentId, '[CRASH] exit=137 oom=true');
    expected.set('[CRASH] exit=137 oom=true', 'error');
    logs.flush();
    // A line stored before levels were (migration 009): no level in the row; read as detected, counted as unknown.
    store.db
      .prepare("INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, run_id, step, text, cut, level) VALUES (?, 100, ?, 1, 1, NULL, NULL, 'FATAL stored before levels', 0, NULL)")
      .run(deploymentId, Date.now());
    // Migration 009 counted such lines once, as unknown.
    store.db.prepare("INSERT INTO log_level_counts (deployment_id, source, run_id, level, lines) VALUES (?, 1, '', 6, 1)").run(deploymentId);
    expected.set('FATAL stored before levels', 'fatal');
  });
  afterAll(() => host?.stop());

  it("counts the latest run's lines and the runtime lines per level, every level named", async () => {
    const { status, body } = await host.json<LogLevelCounts>(`/api/deployments/${deploymentId}/logs/levels`);
    expect(status).toBe(200);
    expect(body).toEqual({
      runId: latestRunId,
      run: { ...none, warn: 1, unknown: 1 },
      runtime: { ...none, info: 1, warn: 1, error: 3, unknown: 2 },
    });
  });

  it('counts the run asked for, and says which run was not found', async () => {
    const first = await host.json<LogLevelCounts>(`/api/deployments/${deploymentId}/logs/levels?runId=${firstRunId}`);
    expect(first.status).toBe(200);
    expect(first.body.run).toEqual({ ...none, error: 2, unknown: 1 });
    expect(first.body.runId).toBe(firstRunId);

    for (const runId of ['run_missing', foreignRunId]) {
      const missing = await host.json<{ error: { code: string; message: string } }>(`/api/deployments/${deploymentId}/logs/levels?runId=${runId}`);
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toContain(`has no run "${runId}"`);
    }
    const invalid = await host.json<{ error: { code: string; message: string } }>(`/api/deployments/${deploymentId}/logs/levels?runId=${encodeURIComponent('../x')}`);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/runId/);
    expect((await host.api('/api/deployments/nope/logs/levels')).status).toBe(404);
  });

  it('answers run: null for a deployment without runs', async () => {
    const project = host.engine.store.projects.create({ name: 'levels-empty', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    const empty = host.engine.store.deployments.create(project.id, 'docker').id;
    const { body } = await host.json<LogLevelCounts>(`/api/deployments/${empty}/logs/levels`);
    expect(body).toEqual({ runId: null, run: null, runtime: none });
  });

  it('gives every line its level in GET logs, logs/around and the SSE stream, and every hit in search', async () => {
    const levelsOf = (lines: readonly { text: string; level: string }[]) => lines.map((line) => [line.text, line.level]);
    const all = [...expected];

    const page = await host.json<LogPage>(`/api/deployments/${deploymentId}/logs?since=0`);
    expect(levelsOf(page.body.lines)).toEqual(all);

    const around = await host.json<LogsAround>(`/api/deployments/${deploymentId}/logs/around?lineNo=1&before=0&after=100`);
    expect(levelsOf(around.body.lines)).toEqual(all);

    const search = await host.json<{ hits: SearchHit[] }>(`/api/deployments/${deploymentId}/search?q=${encodeURIComponent('E')}&limit=100`);
    const hits = levelsOf(search.body.hits);
    expect(hits.length).toBeGreaterThan(3);
    expect(hits).toEqual(all.filter(([text]) => text!.toLowerCase().includes('e')));

    const controller = new AbortController();
    const response = await host.api(`/api/deployments/${deploymentId}/logs/stream?since=0`, { signal: controller.signal });
    const streamed: LogLine[] = [];
    for await (const event of decodeSse(response.body!.pipeThrough(new TextDecoderStream()))) {
      if (event.event !== 'line') continue;
      streamed.push(JSON.parse(event.data) as LogLine);
      if (streamed.length === all.length) break;
    }
    controller.abort();
    expect(levelsOf(streamed)).toEqual(all);

    // An empty resume point is refused, not read as since=0 (the whole log again).
    for (const query of ['since=', 'tail=', 'since=%20']) {
      const refused = await host.api(`/api/deployments/${deploymentId}/logs/stream?${query}`);
      expect(refused.status, query).toBe(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code, query).toBe('VALIDATION_FAILED');
    }
  });
});
