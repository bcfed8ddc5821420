import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_BUDGET_LOW_WATER, usedDatabaseBytes } from '../../../electron/engine/store/log-budget';
import type { StoredLine } from '../../../electron/engine/store/log-lines';
import { parseTrimMarker, type EngineSettings, type LogLine, type LogPage, type LogsAround } from '../../../shared';
import { startTestHost, type TestHost } from '../../support/host';
import { levelCountsDrift } from '../../support/level-counts';

// The log budget (docs/product-rules.md, "Log budget") on a real engine and its real SQLite file: a flood
// past a 50 MB budget trims the oldest runtime lines, keeps the run in progress whole, and the page the
// log viewer reads shows a trim marker where lines went.

const MB = 1024 ** 2;
const BUDGET = 50 * MB;
const LINE_TEXT = 'x'.repeat(200);
// 1..100: the first release's deploy lines, then its runtime output: the oldest lines (about 45 MB on disk).
// ACTIVE_FROM..+99: the deploy lines of a run in progress; after them, runtime lines logged while it runs.
const ACTIVE_FROM = 150_001;
const LAST = 200_000;

function line(deploymentId: string, lineNo: number, ts: number, source: StoredLine['source'], runId: string | null): StoredLine {
  return { deploymentId, lineNo, ts, stream: 'stdout', source, runId, step: source === 'deploy' ? 'build' : null, text: `${lineNo} ${LINE_TEXT}`, cut: false };
}

async function allLines(host: TestHost, deploymentId: string): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for (let since = 0; ; ) {
    const page = await host.json<LogPage>(`/api/deployments/${deploymentId}/logs?since=${since}&limit=5000`);
    expect(page.status).toBe(200);
    if (page.body.lines.length === 0) return lines;
    lines.push(...page.body.lines);
    since = page.body.lines[page.body.lines.length - 1]!.lineNo;
  }
}

describe('log budget', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ config: { retentionIntervalMs: 0, healthIntervalMs: 0, metricsIntervalMs: 0, logBudgetCheckMs: 100 } });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('the budget is a validated setting: 2 GB by default, whole bytes from 1 MB to 1 TB', async () => {
    expect((await host.json<EngineSettings>('/api/settings')).body.retention.logBudgetBytes).toBe(2 * 1024 ** 3);
    for (const logBudgetBytes of [1000, 1024 ** 4 + 1, MB + 0.5, '50MB']) {
      const refused = await host.json<{ error: { message: string } }>('/api/settings', { method: 'PATCH', body: JSON.stringify({ retention: { logBudgetBytes } }) });
      expect(refused.status, String(logBudgetBytes)).toBe(400);
      expect(refused.body.error.message).toContain('retention.logBudgetBytes');
    }
  });

  it('a flood past a 50 MB budget trims the oldest runtime lines, keeps the active run, and the page shows where', { timeout: 120_000 }, async () => {
    const patched = await host.json<EngineSettings>('/api/settings', { method: 'PATCH', body: JSON.stringify({ retention: { logBudgetBytes: BUDGET } }) });
    expect(patched.status).toBe(200);
    expect(patched.body.retention.logBudgetBytes).toBe(BUDGET);

    const store = host.engine.store;
    const settings = { port: 1, healthPath: '/h', env: [], memoryLimitMb: 64, restartPolicy: 'no' as const, keepCrashedContainers: false, verifyTimeoutMs: 1000, muteNotifications: false };
    const project = store.projects.create({ name: 'flood', sourceDir: '/tmp', target: 'docker', settings });
    const deployment = store.deployments.create(project.id, 'docker');
    const other = store.deployments.create(store.projects.create({ name: 'quiet', sourceDir: '/tmp', target: 'docker', settings }).id, 'docker');
    const finished = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['build'] });
    store.runs.update(finished.id, { status: 'completed' });

    const start = Date.now() - 3_600_000;
    const active = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['build'] }, start + ACTIVE_FROM);
    const batch: StoredLine[] = [];
    const flush = () => {
      store.logLines.insertMany(batch);
      batch.length = 0;
    };
    for (let n = 1; n <= LAST; n++) {
      const activeDeploy = n >= ACTIVE_FROM && n < ACTIVE_FROM + 100;
      const source = n <= 100 || activeDeploy ? 'deploy' : 'runtime';
      const runId = n <= 100 ? finished.id : activeDeploy ? active.id : null;
      batch.push(line(deployment.id, n, start + n, source, runId));
      if (batch.length === 1000) flush();
    }
    // A quiet deployment's runtime lines, newer than the flood's old ones: they are not the oldest, so they stay.
    for (let n = 1; n <= 500; n++) batch.push(line(other.id, n, start + LAST + n, 'runtime', null));
    flush();
    expect(usedDatabaseBytes(store.db)).toBeGreaterThan(BUDGET);

    // The engine's own budget check (every 100 ms here) trims; nothing else is called.
    // It trims down to the low water (90% of the budget), then stops.
    await expect.poll(() => usedDatabaseBytes(store.db), { timeout: 60_000, interval: 200 }).toBeLessThanOrEqual(BUDGET * LOG_BUDGET_LOW_WATER);

    const lines = await allLines(host, deployment.id);
    const byNo = new Map(lines.map((stored) => [stored.lineNo, stored]));
    // Every line of the run in progress, and everything logged since it started, is still there.
    for (let n = ACTIVE_FROM; n <= LAST; n++) expect(byNo.get(n)?.text.startsWith(`${n} `), `line ${n}`).toBe(true);
    // The first release's deploy lines stay: only runtime lines are trimmed.
    for (let n = 1; n <= 100; n++) expect(byNo.get(n)?.source).toBe('deploy');
    // The oldest runtime lines went, and one marker line stands where they were.
    const marker = byNo.get(101)!;
    expect(marker.stream).toBe('system');
    const trim = parseTrimMarker(marker);
    expect(trim).not.toBeNull();
    expect(trim!.fromLineNo).toBe(101);
    expect(trim!.lines).toBe(trim!.toLineNo - 100);
    expect(trim!.lines).toBeGreaterThan(1000);
    expect(marker.text).toContain('50 MB budget');
    for (let n = 102; n <= trim!.toLineNo; n++) expect(byNo.has(n)).toBe(false);
    // What follows the marker is the oldest runtime line left, untouched.
    expect(byNo.get(trim!.toLineNo + 1)?.text.startsWith(`${trim!.toLineNo + 1} `)).toBe(true);
    expect(lines.filter((stored) => parseTrimMarker(stored))).toHaveLength(1);
    expect((await allLines(host, other.id)).length).toBe(500);
    // Paging back from the oldest line left (the viewer's "Load earlier") steps over the trimmed range to the marker.
    const around = await host.json<LogsAround>(`/api/deployments/${deployment.id}/logs/around?lineNo=${trim!.toLineNo + 1}&before=3&after=0`);
    expect(around.body.lines.map((stored) => stored.lineNo)).toEqual([99, 100, 101, trim!.toLineNo + 1]);

    const again = await host.json<LogPage>(`/api/deployments/${deployment.id}/logs?since=0&limit=1`);
    expect(again.body.lastLineNo).toBe(LAST);
    // The level counts lost the trimmed lines and gained the marker (docs/product-rules.md "Log levels").
    expect(levelCountsDrift(store.db)).toEqual([]);
    expect(store.logLines.levelCounts(deployment.id, 'runtime').info).toBe(1);
  });
});
