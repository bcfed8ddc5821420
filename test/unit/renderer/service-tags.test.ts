// A Compose stack in the renderer (docs/product-rules.md "Compose stacks: services in logs and metrics"): each
// line's service tag (stable colour, readable in both themes, hostile names escaped so the terminal only ever
// sees SGR), the scope sent to the engine, the charts' per-service points and History's per-service images.
import { describe, expect, it } from 'vitest';
import type { LogLine, MetricSample, Release, RunDetail } from '../../../shared';
import { formatLine, plainLine } from '../../../renderer/src/logs/line-format';
import { scopeParams } from '../../../renderer/src/logs/filtered-log-source';
import { safeServiceName, serviceColour, serviceSgr, serviceTagWidth, SERVICE_TAG_SGR } from '../../../renderer/src/logs/service-tag';
import { sgrForeground, TERMINAL_PALETTES } from '../../../renderer/src/logs/terminal-palette';
import { contrastRatio } from '../../../renderer/src/theme/contrast';
import { toStackPoints } from '../../../renderer/src/metrics/chart-data';
import { compareRuns } from '../../../renderer/src/history/run-history';

const line = (change: Partial<LogLine>): LogLine => ({
  deploymentId: 'd',
  lineNo: 1,
  ts: '2026-12-04T10:00:00.000Z',
  stream: 'stdout',
  source: 'runtime',
  runId: null,
  step: null,
  text: 'hello',
  cut: false,
  level: 'unknown',
  ...change,
});
const plain = { timestamps: false, wrap: true, columns: 120, error: false, rootCause: false };
// Every escape sequence in a formatted line: only SGR (ESC [ … m) may reach the terminal.
// eslint-disable-next-line no-control-regex
const sequences = (text: string) => text.match(/\x1b[^m]*m?|[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f-\x9f]/g) ?? [];

describe('service tags in the log viewer', () => {
  it('prefixes a stack line with its service, coloured and padded to the column; a line without one gets blanks', () => {
    const web = formatLine(line({ service: 'web' }), { ...plain, serviceWidth: 6 });
    expect(web).toBe(`\x1b[${serviceSgr('web')}mweb   \x1b[39m hello`);
    expect(formatLine(line({}), { ...plain, serviceWidth: 6 })).toBe('       hello');
    // Not a stack: no column, the line as before.
    expect(formatLine(line({}), plain)).toBe('hello');
  });

  it('gives a name the same colour every time, from hues readable on every line background in both themes', () => {
    expect(serviceSgr('worker')).toBe(serviceSgr('worker'));
    expect(new Set(['web', 'worker', 'redis', 'db', 'cache', 'queue'].map(serviceSgr)).size).toBeGreaterThan(2);
    for (const scheme of ['dark', 'light'] as const) {
      const palette = TERMINAL_PALETTES[scheme];
      const backgrounds = [palette.theme.background, palette.errorLineBackground, palette.rootCauseBackground, palette.focusLineBackground];
      for (const code of SERVICE_TAG_SGR) {
        for (const background of backgrounds) expect(contrastRatio(sgrForeground(palette, code), background), `${scheme} ${code} on ${background}`).toBeGreaterThanOrEqual(4.5);
      }
      expect(serviceColour('web', scheme)).toBe(sgrForeground(palette, serviceSgr('web')));
    }
  });

  it('escapes a hostile name: no control character, OSC or bidi override reaches the terminal, and it stays one row', () => {
    const hostile = 'evil\x1b]0;pwned\x07\x1b[2J\r\n\u202eoops\x9b';
    const drawn = formatLine(line({ service: hostile }), { ...plain, serviceWidth: serviceTagWidth([hostile]) });
    // eslint-disable-next-line no-control-regex
    expect(sequences(drawn).every((sequence) => /^\x1b\[[0-9;]*m$/.test(sequence))).toBe(true);
    expect(drawn).not.toMatch(/[\r\n\u202e]/);
    expect(safeServiceName(hostile)).toBe('evil\\x1b]0;pwned\\x07\\x1…');
    expect(safeServiceName('x'.repeat(100))).toHaveLength(24);
    expect(plainLine(line({ service: hostile }), false)).toBe(`[stdout] [${safeServiceName(hostile)}] hello`);
  });

  it('sends the chosen services to the engine as one service parameter', () => {
    expect(scopeParams(null, null, ['web', 'worker'])).toEqual({ service: 'web,worker' });
    expect(scopeParams(['stderr'], null, null)).toEqual({ stream: 'stderr' });
  });
});

describe('a stack’s chart points', () => {
  const sample = (at: number, cpuPct: number, service?: string): MetricSample => ({
    deploymentId: 'd',
    sampledAt: new Date(at).toISOString(),
    cpuPct,
    memUsedMb: cpuPct * 10,
    memLimitMb: 1024,
    ...(service ? { service } : {}),
  });

  it('puts each service’s nearest sample at the total’s moments, a gap where it has none', () => {
    const total = [sample(0, 30), sample(30_000, 31), sample(600_000, 32)];
    const points = toStackPoints(total, [
      { service: 'web', samples: [sample(0, 10, 'web'), sample(31_000, 11, 'web'), sample(600_000, 12, 'web')] },
      { service: 'worker', samples: [sample(0, 20, 'worker')] },
    ], 5_000);
    expect(points.map((point) => [point.t, point.cpuPct, point.cpu_s0, point.cpu_s1, point.mem_s0])).toEqual([
      [0, 30, 10, 20, 100],
      [30_000, 31, 11, null, 110],
      [600_000, 32, 12, null, 120],
    ]);
  });
});

describe('History compare of a stack', () => {
  const run = (id: string): RunDetail => ({ id, status: 'completed', kind: 'deploy', steps: [], durationMs: 1000, imageRef: `img:${id}`, failure: null }) as unknown as RunDetail;
  const release = (runId: string, services: Release['services']): Release => ({ id: `rel_${runId}`, runId, services }) as unknown as Release;

  it('adds a row per service with each run’s image, marked where they differ', () => {
    const releases = [
      release('r1', [{ name: 'web', imageRef: 'shop-web:1', imageId: null }, { name: 'worker', imageRef: 'shop-worker:1', imageId: null }]),
      release('r2', [{ name: 'web', imageRef: 'shop-web:2', imageId: null }, { name: 'worker', imageRef: 'shop-worker:1', imageId: null }]),
    ];
    const rows = compareRuns(run('r1'), run('r2'), releases).filter((row) => row.label.startsWith('Image: '));
    expect(rows).toEqual([
      { label: 'Image: web', left: 'shop-web:1', right: 'shop-web:2', differs: true },
      { label: 'Image: worker', left: 'shop-worker:1', right: 'shop-worker:1', differs: false },
    ]);
    expect(compareRuns(run('r1'), run('r2')).some((row) => row.label.startsWith('Image: '))).toBe(false);
  });
});
