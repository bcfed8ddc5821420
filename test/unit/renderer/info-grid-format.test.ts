import { describe, expect, it } from 'vitest';
import type { ScanRecord } from '../../../shared';
import { healthCheckLine, latestScanOf, shapeLine } from '../../../renderer/src/project/info-grid-format';

const scan = (overrides: Partial<ScanRecord>): ScanRecord => ({
  sourceDir: '/srv/app',
  shape: 'server',
  runtime: { name: 'python', version: '3.11', packageManager: 'pip' },
  dependencyFiles: [],
  installCommand: null,
  buildCommand: null,
  startCommand: 'gunicorn app:app',
  outputDir: null,
  port: 8080,
  healthPath: null,
  dockerfile: null,
  composeFile: null,
  image: null,
  skippedDirectories: [],
  decisions: [],
  refusal: null,
  buildVerification: { status: 'skipped' },
  ...overrides,
});

describe('the shape line', () => {
  it('names the shape, the runtime and what runs', () => {
    expect(shapeLine(scan({}))).toBe('server · Python 3.11 · gunicorn app:app');
    expect(shapeLine(scan({ runtime: { name: 'node', version: 'lts', packageManager: 'npm' }, startCommand: 'npm start' }))).toBe('server · Node LTS · npm start');
    expect(shapeLine(scan({ runtime: { name: 'go', version: '1.22', packageManager: 'go' }, startCommand: '/app/server' }))).toBe('server · Go 1.22 · /app/server');
  });

  it('says what is served, built or used for the other shapes', () => {
    expect(shapeLine(scan({ shape: 'static', runtime: null, startCommand: null }))).toBe('static · files served as they are');
    expect(shapeLine(scan({ shape: 'static_build', runtime: { name: 'node', version: '20', packageManager: 'npm' }, startCommand: null, buildCommand: 'npm run build', outputDir: 'dist' }))).toBe(
      'static_build · Node 20 · npm run build → dist/',
    );
    expect(shapeLine(scan({ shape: 'existing_docker', runtime: null, startCommand: null, dockerfile: 'Dockerfile' }))).toBe('existing_docker · builds from Dockerfile');
    expect(shapeLine(scan({ shape: 'prebuilt_image', runtime: null, startCommand: null, image: 'nginx:1.27' }))).toBe('prebuilt_image · nginx:1.27');
    expect(shapeLine(scan({ shape: 'multi', runtime: null, startCommand: null, composeFile: 'compose.yaml' }))).toBe('multi · compose.yaml (Compose stack)');
  });

  it('says a refused scan found nothing to deploy, and shows nothing before any scan', () => {
    expect(shapeLine(scan({ shape: null, runtime: null, refusal: { code: 'PROJECT_SHAPE_UNSUPPORTED', message: 'm', found: [], add: 'a' } }))).toBe('not deployable as it is');
    expect(shapeLine(null)).toBeNull();
  });

  it("comes from the newest run that has a scan (a run still before its scan keeps the previous run's)", () => {
    const older = scan({ startCommand: 'old' });
    const newer = scan({ startCommand: 'new' });
    expect(latestScanOf([{ scan: null }, { scan: newer }, { scan: older }])).toBe(newer);
    expect(latestScanOf([{ scan: null }])).toBeNull();
    expect(latestScanOf([])).toBeNull();
  });
});

describe('the health check line', () => {
  it('names the route and the 2xx–3xx rule, or says only "answers HTTP" is checked', () => {
    expect(healthCheckLine({ path: '/health', rule: 'status_2xx_3xx' })).toBe('GET /health, 2xx–3xx');
    expect(healthCheckLine({ path: '/', rule: 'any_below_500' })).toBe('answers HTTP on / (no health route)');
    expect(healthCheckLine(null)).toBeNull();
  });
});
