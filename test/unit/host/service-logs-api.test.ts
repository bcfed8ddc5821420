// Service-aware logs and metrics of a Compose stack over the HTTP API (docs/product-rules.md "Compose stacks:
// services in logs and metrics"): a real engine on a temp data dir, lines seeded through its log writer, samples
// through its store (no Docker). Every line carries its service; `service=` restricts logs, filter mode, count,
// search and levels; metrics add a series per service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type LogLevelCounts, type LogLine, type LogPage, type MetricSeries, type SearchHit, type StackService } from '../../../shared';
import { decodeSse } from '../../../shared/sse-decoder';
import { startTestHost, type TestHost } from '../../support/host';

const none = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, unknown: 0 };
const SERVICES = ['web', 'worker', 'redis'] as const;

const service = (name: string, publicService = false): StackService => ({
  name,
  public: publicService,
  state: 'running',
  health: null,
  containerId: `c-${name}`,
  image: `berth/stack-${name}:r1`,
  imageId: null,
  hostPort: publicService ? 41000 : null,
  containerPort: publicService ? 3000 : null,
  restarts: 0,
  exitCode: null,
});

describe('service-aware logs and metrics over the HTTP API', () => {
  let host: TestHost;
  let stackId: string;
  let singleId: string;
  /** Each stored line's service (undefined: the stack's own line), in line order. */
  const written: (string | undefined)[] = [];

  beforeAll(async () => {
    host = await startTestHost();
    const { store, logs } = host.engine;
    const project = store.projects.create({ name: 'stack', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    stackId = store.deployments.create(project.id, 'docker').id;
    store.deployments.update(stackId, { status: 'running', services: [service('web', true), service('worker'), service('redis')] });
    const single = store.projects.create({ name: 'single', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    singleId = store.deployments.create(single.id, 'docker').id;

    logs.system(stackId, '[DEPLOYED] stack is live');
    written.push(undefined);
    for (let index = 0; index < 300; index++) {
      const name = SERVICES[index % 3]!;
      const text = name === 'worker' && index % 30 === 1 ? `ERROR job ${index} boom` : `INFO ${name} line ${index}`;
      logs.append(stackId, { stream: 'stdout', source: 'runtime', text, service: name });
      written.push(name);
    }
    logs.system(stackId, '[CRASH] exit=1', { service: 'worker' });
    written.push('worker');
    logs.append(singleId, { stream: 'stdout', source: 'runtime', text: 'INFO single' });
    logs.flush();

    const now = Date.now();
    const samples = [];
    for (let minute = 180; minute >= 0; minute--) {
      const at = now - minute * 60_000;
      samples.push({ deploymentId: stackId, sampledAt: at, cpuPct: 60, memUsedMb: 600, memLimitMb: 3072 });
      SERVICES.forEach((name, index) => samples.push({ deploymentId: stackId, sampledAt: at, cpuPct: 10 * (index + 1), memUsedMb: 100 * (index + 1), memLimitMb: 1024, service: name }));
      samples.push({ deploymentId: singleId, sampledAt: at, cpuPct: 5, memUsedMb: 50, memLimitMb: 512 });
    }
    store.metrics.insertSamples(samples);
  });
  afterAll(() => host?.stop());

  const page = async (query: string): Promise<LogPage> => {
    const { status, body } = await host.json<LogPage>(`/api/deployments/${stackId}/logs?${query}`);
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  };

  it('gives every line its service on pages and the live stream; a line without one has no service key', async () => {
    const all = await page('since=0&limit=5000');
    expect(all.lines.map((line) => line.service)).toEqual(written);
    expect(all.lines[0]).not.toHaveProperty('service');

    const controller = new AbortController();
    const response = await host.api(`/api/deployments/${stackId}/logs/stream?since=0`, { signal: controller.signal });
    const streamed: LogLine[] = [];
    for await (const event of decodeSse(response.body!.pipeThrough(new TextDecoderStream()))) {
      if (event.event !== 'line') continue;
      streamed.push(JSON.parse(event.data) as LogLine);
      if (streamed.length === written.length) break;
    }
    controller.abort();
    expect(streamed.map((line) => line.service)).toEqual(written);
  });

  it('restricts pages to services, repeated or as a comma list, forward and backward', async () => {
    const worker = await page('service=worker&limit=5000');
    expect(new Set(worker.lines.map((line) => line.service))).toEqual(new Set(['worker']));
    expect(worker.lines).toHaveLength(written.filter((name) => name === 'worker').length);

    const repeated = await page('service=web&service=redis&limit=5000');
    const comma = await page('service=web,redis&limit=5000');
    expect(repeated.lines.map((line) => line.lineNo)).toEqual(comma.lines.map((line) => line.lineNo));
    expect(new Set(comma.lines.map((line) => line.service))).toEqual(new Set(['web', 'redis']));

    // Paging earlier keeps the restriction: the last 20 worker lines, then the 20 before them.
    const last = await page('service=worker&before=1000&limit=20');
    expect(last.lines.every((line) => line.service === 'worker')).toBe(true);
    const earlier = await page(`service=worker&before=${last.lines[0]!.lineNo}&limit=20`);
    expect(earlier.lines.every((line) => line.service === 'worker')).toBe(true);
    expect(earlier.lines.at(-1)!.lineNo).toBeLessThan(last.lines[0]!.lineNo);
    expect([...earlier.lines, ...last.lines].map((line) => line.lineNo)).toEqual(worker.lines.slice(-40).map((line) => line.lineNo));
  });

  it('restricts filter mode (with context), the count, search and the levels to services', async () => {
    const filtered = await page('filter=line&service=redis&context=2&limit=5000');
    expect(filtered.lines.length).toBe(100);
    expect(filtered.lines.every((line) => line.service === 'redis')).toBe(true);

    const count = await host.json<{ matches: number }>(`/api/deployments/${stackId}/logs/count?filter=boom&service=worker`);
    expect(count.body.matches).toBe(10);
    const noBoom = await host.json<{ matches: number }>(`/api/deployments/${stackId}/logs/count?filter=boom&service=web,redis`);
    expect(noBoom.body.matches).toBe(0);

    const search = await host.json<{ hits: SearchHit[] }>(`/api/deployments/${stackId}/search?q=line%201&service=web`);
    expect(search.status).toBe(200);
    expect(search.body.hits.length).toBeGreaterThan(0);
    expect(search.body.hits.every((hit) => hit.service === 'web' && hit.text.includes('line 1'))).toBe(true);

    const levels = await host.json<LogLevelCounts>(`/api/deployments/${stackId}/logs/levels?service=worker`);
    expect(levels.body.runtime).toEqual({ ...none, info: 90, error: 11 });
    const all = await host.json<LogLevelCounts>(`/api/deployments/${stackId}/logs/levels`);
    expect(all.body.runtime).toEqual({ ...none, info: 291, error: 11 }); // the stack's own [DEPLOYED] line too;
  });

  it('refuses a malformed service list', async () => {
    for (const query of ['service=', 'service=web,,worker', `service=${Array.from({ length: 33 }, (_, index) => `s${index}`).join(',')}`, `service=${'x'.repeat(129)}`]) {
      const { status, body } = await host.json<{ error: { code: string; field?: string } }>(`/api/deployments/${stackId}/logs?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('returns the total and a series per service for a stack, only the asked services with service=, none for a single container', async () => {
    const { status, body } = await host.json<MetricSeries>(`/api/deployments/${stackId}/metrics`);
    expect(status).toBe(200);
    expect(body.samples.every((sample) => sample.cpuPct === 60 && sample.service === undefined)).toBe(true);
    expect(body.services?.map((series) => series.service)).toEqual(['web', 'worker', 'redis']);
    expect(body.services?.map((series) => series.totalSamples)).toEqual([181, 181, 181]);
    expect(body.services?.[1]?.samples.every((sample) => sample.service === 'worker' && sample.cpuPct === 20 && sample.memUsedMb === 200)).toBe(true);

    const web = await host.json<MetricSeries>(`/api/deployments/${stackId}/metrics?service=web&points=50`);
    expect(web.body.services?.map((series) => series.service)).toEqual(['web']);
    expect(web.body.services?.[0]?.samples.length).toBeLessThanOrEqual(50);

    const single = await host.json<MetricSeries>(`/api/deployments/${singleId}/metrics`);
    expect(single.body.totalSamples).toBe(181);
    expect(single.body).not.toHaveProperty('services');
  });
});
