import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../shared';
import { compileLineFilter } from '../../../electron/engine/logs/log-filter';
import { LiveLineFilter } from '../../../electron/engine/logs/live-filter';

const line = (lineNo: number, text: string, stream: LogLine['stream'] = 'stdout'): LogLine => ({
  deploymentId: 'd',
  lineNo,
  ts: new Date(0).toISOString(),
  stream,
  source: 'runtime',
  runId: null,
  step: null,
  text,
  cut: false,
  level: 'unknown',
});

function shown(live: LiveLineFilter, texts: readonly (string | [string, LogLine['stream']])[]) {
  return texts.flatMap((text, index) => (typeof text === 'string' ? live.push(line(index + 1, text)) : live.push(line(index + 1, text[0], text[1])))).map((entry) => `${entry.line.lineNo}${entry.match ? '*' : ''}`);
}

const filter = (query: string, exclude = false) => compileLineFilter({ query, regex: false, caseSensitive: false, exclude });

describe('LiveLineFilter', () => {
  it('shows kept lines with their context as lines arrive, merged, each once', () => {
    const texts = ['a', 'b', 'ERROR 1', 'c', 'd', 'e', 'f', 'ERROR 2', 'ERROR 3', 'g', 'h', 'i'];
    expect(shown(new LiveLineFilter(filter('error'), 0), texts)).toEqual(['3*', '8*', '9*']);
    expect(shown(new LiveLineFilter(filter('error'), 2), texts)).toEqual(['1', '2', '3*', '4', '5', '6', '7', '8*', '9*', '10', '11']);
    expect(shown(new LiveLineFilter(filter('error'), 1), texts)).toEqual(['2', '3*', '4', '7', '8*', '9*', '10']);
  });

  it('excludes, and keeps to the chosen streams', () => {
    expect(shown(new LiveLineFilter(filter('/health', true), 0), ['GET /health', 'GET /api', 'GET /health'])).toEqual(['2*']);
    expect(shown(new LiveLineFilter(filter('x'), 1, ['stderr']), [['x', 'stdout'], ['y', 'stderr'], ['x', 'stderr'], ['z', 'stdout'], ['w', 'stderr']])).toEqual(['2', '3*', '5']);
  });

  it('keeps to a Compose stack\'s services: other services\' lines and the stack\'s own are neither kept nor context', () => {
    const live = new LiveLineFilter(filter('error'), 1, undefined, undefined, ['worker']);
    const pushed = [
      { ...line(1, 'worker before'), service: 'worker' },
      { ...line(2, 'ERROR web'), service: 'web' },
      line(3, 'ERROR stack'),
      { ...line(4, 'ERROR worker'), service: 'worker' },
      { ...line(5, 'web after'), service: 'web' },
      { ...line(6, 'worker after'), service: 'worker' },
    ].flatMap((entry) => live.push(entry));
    expect(pushed.map((entry) => `${entry.line.lineNo}${entry.match ? '*' : ''}`)).toEqual(['1', '4*', '6']);
  });
});
