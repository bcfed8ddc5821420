// JSON log lines in the viewer (renderer/src/logs/json-line.ts): coloured tokens on one row, a pretty view
// when opened, and bounded work for hostile lines (past the caps they are shown raw).
import { describe, expect, it } from 'vitest';
import { colourJson, isJsonLine, JSON_COLOUR_CAP, JSON_PRETTY_CAP, JSON_SGR, prettyJson } from '../../../renderer/src/logs/json-line';
import { formatLine } from '../../../renderer/src/logs/line-format';
import type { LogLine } from '../../../shared';

const ESC = '\x1b';
const line = (text: string, stream: LogLine['stream'] = 'stdout'): LogLine => ({ deploymentId: 'd', lineNo: 1, ts: '2026-12-04T10:00:00.000Z', stream, source: 'runtime', runId: null, step: null, text, cut: false, level: 'unknown' });
const plain = { timestamps: false, wrap: true, columns: 200, error: false, rootCause: false };
// eslint-disable-next-line no-control-regex
const visible = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('JSON lines', () => {
  const json = '{"level":"error","msg":"db \\"down\\"","status":503,"ratio":-1.5e3,"ok":false,"user":{"id":42,"tags":null}}';

  it('colours keys, strings, numbers and literals, and keeps the text exactly', () => {
    const coloured = colourJson(json, '');
    expect(visible(coloured)).toBe(json);
    expect(coloured).toContain(`${ESC}[${JSON_SGR.key}m"level"`);
    expect(coloured).toContain(`${ESC}[${JSON_SGR.string}m"error"`);
    expect(coloured).toContain(`${ESC}[${JSON_SGR.string}m"db \\"down\\""`);
    expect(coloured).toContain(`${ESC}[${JSON_SGR.number}m503`);
    expect(coloured).toContain(`${ESC}[${JSON_SGR.number}m-1.5e3`);
    expect(coloured).toContain(`${ESC}[${JSON_SGR.literal}mfalse`);
    expect(coloured).toContain(`${ESC}[${JSON_SGR.literal}mnull`);
  });

  it('the viewer colours a JSON line and restores the stream colour after each token', () => {
    const formatted = formatLine(line(json, 'stderr'), plain);
    expect(visible(formatted)).toBe(json);
    expect(formatted).toContain(`${ESC}[${JSON_SGR.key}m"level"${ESC}[0;31m`);
  });

  it('only whole objects short enough are coloured; everything else goes through the sanitizer', () => {
    expect(isJsonLine('  {"a":1}  ')).toBe(true);
    expect(isJsonLine('[1,2,3]')).toBe(false);
    expect(isJsonLine('INFO {"a":1}')).toBe(false);
    expect(isJsonLine(`{"a":"${ESC}[31mred"}`)).toBe(false);
    expect(isJsonLine(`{"a":"${'x'.repeat(JSON_COLOUR_CAP)}"}`)).toBe(false);
    expect(formatLine(line(`{"title":"${ESC}]0;PWNED${'\x07'}"}`), plain)).not.toContain(']0;');
  });

  it('opens pretty-printed, and raw (null) when it is not JSON, too deep or too large', () => {
    expect(prettyJson('{"a":{"b":[1,2]}}')).toBe('{\n  "a": {\n    "b": [\n      1,\n      2\n    ]\n  }\n}');
    expect(prettyJson('{"a":')).toBeNull();
    expect(prettyJson(`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`)).toBeNull();
    expect(prettyJson(`{"a":"${'x'.repeat(JSON_PRETTY_CAP)}"}`)).toBeNull();
  });

  it('a JSON bomb costs one linear pass: deep nesting and a million keys are coloured or refused without recursion', () => {
    const deep = `{"a":${'{"b":'.repeat(3000)}1${'}'.repeat(3000)}}`;
    expect(visible(colourJson(deep, ''))).toBe(deep);
    const manyKeys = `{${Array.from({ length: 1_000_000 }, (_, index) => `"k${index}":${index}`).join(',')}}`;
    expect(isJsonLine(manyKeys)).toBe(false);
    expect(visible(formatLine(line(manyKeys), plain)).startsWith('{"k0":0,"k1":1')).toBe(true);
  });
});
