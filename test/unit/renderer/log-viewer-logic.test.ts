/* eslint-disable no-control-regex -- these tests are about control characters in log text */
// The log viewer's pure parts: what a line may write to the terminal (line-format), the bounded
// window of lines (log-window), and errors across a run (run-errors, viewer-controller's pre-check).
import { describe, expect, it } from 'vitest';
import type { BerthApi, LogLine, LogStream, RunDetail, Step, StepName } from '../../../shared';
import { isErrorLine } from '../../../shared/error-lines';
import { DISPLAY_CHARACTER_CAP, formatLine, formatStepHeader, plainLine, sanitize } from '../../../renderer/src/logs/line-format';
import { LogWindow } from '../../../renderer/src/logs/log-window';
import { adjacentError, scanRunErrors, withLiveErrors } from '../../../renderer/src/logs/run-errors';
import { looksLikeError } from '../../../renderer/src/logs/viewer-controller';

const ESC = '\x1b';

function line(lineNo: number, text = `line ${lineNo}`, extra: Partial<LogLine> = {}): LogLine {
  return { deploymentId: 'dep_1', lineNo, ts: '2026-11-22T10:00:00.000Z', stream: 'stdout', source: 'deploy', runId: null, step: null, text, cut: false, level: 'unknown', ...extra };
}

const plain = { timestamps: false, wrap: true, columns: 120, error: false, rootCause: false };

describe('line-format: what log text may write to the terminal', () => {
  it('keeps plain SGR colours and drops every other sequence and control character', () => {
    const hostile = [
      `${ESC}]0;pwned title${ESC}\\`, // OSC 0 title
      `${ESC}]52;c;aGVsbG8=${ESC}\\`, // OSC 52 clipboard
      `${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`, // OSC 8 hyperlink
      `${ESC}P$q m${ESC}\\`, // DECRQSS
      `${ESC}[2J${ESC}[H`, // clear screen, cursor home
      `${ESC}[?1049h`, // alternate screen (private marker)
      '\x07\x00\x9b31m', // BEL, NUL, a C1 CSI introducer
      `${ESC}[32mgreen${ESC}[0m`,
    ].join('');
    const safe = sanitize(hostile);
    // The C1 introducer goes; what followed it is only text now.
    expect(safe).toBe(`link31m${ESC}[32mgreen${ESC}[0m`);
    // Nothing that could act on the terminal is left: only ESC[<digits;>m survives.
    expect(safe.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });

  it('re-applies the stream colour after an app resets colours inside a stderr line', () => {
    const formatted = formatLine(line(1, `before ${ESC}[1mbold${ESC}[0m after`, { stream: 'stderr' }), plain);
    expect(formatted).toBe(`${ESC}[31mbefore ${ESC}[1mbold${ESC}[0m${ESC}[31m after${ESC}[0m`);
  });

  it('colours streams (stdout default, stderr red, system blue) and errors get a background', () => {
    const colour = (stream: LogStream, options = plain) => formatLine(line(1, 'text', { stream }), options);
    expect(colour('stdout')).toBe('text');
    expect(colour('stderr')).toBe(`${ESC}[31mtext${ESC}[0m`);
    expect(colour('system')).toBe(`${ESC}[34mtext${ESC}[0m`);
    expect(colour('stderr', { ...plain, error: true })).toBe(`${ESC}[31;48;5;52mtext${ESC}[0m`);
    expect(colour('stdout', { ...plain, error: true, rootCause: true })).toBe(`${ESC}[48;5;88mtext${ESC}[0m`);
  });

  it('colours by detected level over the stream: INFO on stderr is not red, warnings are yellow, debug is muted', () => {
    const colour = (stream: LogStream, level: LogLine['level']) => formatLine(line(1, 'text', { stream, level }), plain);
    expect(colour('stderr', 'info')).toBe('text');
    expect(colour('stdout', 'warn')).toBe(`${ESC}[33mtext${ESC}[0m`);
    expect(colour('stderr', 'debug')).toBe(`${ESC}[90mtext${ESC}[0m`);
    expect(colour('stdout', 'error')).toBe(`${ESC}[31mtext${ESC}[0m`);
    // No level: the stream decides; Berth's own lines stay blue whatever their level.
    expect(colour('stderr', 'unknown')).toBe(`${ESC}[31mtext${ESC}[0m`);
    expect(colour('system', 'error')).toBe(`${ESC}[34mtext${ESC}[0m`);
  });

  it('a carriage-return overwrite shows what a terminal would: the last non-empty segment', () => {
    expect(formatLine(line(1, 'progress 10%\rprogress 55%\rdone\r'), plain)).toBe('done');
  });

  it('cuts a huge line for display with a marker, and without wrap cuts to the terminal width', () => {
    const huge = 'x'.repeat(DISPLAY_CHARACTER_CAP + 500);
    const wrapped = formatLine(line(1, huge), plain);
    expect(wrapped.startsWith('x'.repeat(DISPLAY_CHARACTER_CAP))).toBe(true);
    expect(wrapped).not.toContain('x'.repeat(DISPLAY_CHARACTER_CAP + 1));
    expect(wrapped).toContain('line shortened here');
    // A line the engine already cut says so too, even when it fits.
    expect(formatLine(line(2, 'short', { cut: true }), plain)).toContain('line shortened here');

    const narrow = formatLine(line(3, `${ESC}[32m${'y'.repeat(200)}${ESC}[0m`), { ...plain, wrap: false, columns: 80 });
    const visible = narrow.replace(/\x1b\[[0-9;]*m/g, '');
    expect(visible).toBe(`${'y'.repeat(79)}…`);
  });

  it('timestamps come first, dimmed; copy text keeps the stored text and stream', () => {
    const withTime = formatLine(line(1, 'hello'), { ...plain, timestamps: true });
    expect(withTime).toMatch(/^\x1b\[90m\d\d:\d\d:\d\d\.000\x1b\[39m hello$/);
    expect(plainLine(line(1, `raw ${ESC}[31mred`, { stream: 'stderr' }), true)).toBe(`2026-11-22T10:00:00.000Z [stderr] raw ${ESC}[31mred`);
  });

  it('step headers show the step, its status and its duration', () => {
    const step: Step = { runId: 'run_1', name: 'build', position: 1, status: 'failed', startedAt: null, finishedAt: null, durationMs: 4200, firstLineNo: 1, lastLineNo: 9 };
    expect(formatStepHeader('build', step)).toBe(`${ESC}[1;91m━━ build · failed · 4.2 s ━━${ESC}[0m`);
    expect(formatStepHeader('runtime', undefined)).toBe(`${ESC}[1;36m━━ runtime ━━${ESC}[0m`);
  });
});

describe('log-window: the bounded, ordered, deduplicated slice the viewer holds', () => {
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => line(from + index));

  it('drops replayed lines, appends in order, and stays within its bound', () => {
    const window = new LogWindow(100);
    expect(window.acceptLive(range(1, 60)).appended).toHaveLength(60);
    // A reconnect replays 41–60 and continues: only 61–90 are new.
    const result = window.acceptLive(range(41, 90));
    expect(result.appended.map((item) => item.lineNo)).toEqual(range(61, 90).map((item) => item.lineNo));
    expect(window.acceptLive(range(91, 150)).appended).toHaveLength(60);
    expect(window.size).toBe(100);
    expect(window.first).toBe(51);
    expect(window.last).toBe(150);
    expect(window.hasEarlier).toBe(true);
  });

  it('finds the first line at or after a lineNo, or the first one a test keeps (a time jump lands on a shown line)', () => {
    const window = new LogWindow(100);
    window.acceptLive(range(1, 20));
    expect(window.atOrAfter(5)?.lineNo).toBe(5);
    expect(window.atOrAfter(5, (item) => item.lineNo % 4 === 0)?.lineNo).toBe(8);
    expect(window.atOrAfter(18, (item) => item.lineNo % 7 === 0)).toBeUndefined();
  });

  it('reports a hole instead of skipping it, and a page fills it', () => {
    const window = new LogWindow(100);
    window.acceptLive(range(1, 10));
    expect(window.acceptLive(range(15, 20))).toEqual({ appended: [], gap: true });
    expect(window.knownLast).toBe(20);
    expect(window.missingAfter).toBe(10);
    expect(window.acceptPage(range(11, 20), 20).map((item) => item.lineNo)).toEqual(range(11, 20).map((item) => item.lineNo));
    expect(window.last).toBe(20);
  });

  it('paging earlier keeps the bound by dropping the end, which detaches it from the live tail', () => {
    const window = new LogWindow(50);
    window.acceptLive(range(101, 150));
    expect(window.prepend(range(71, 100))).toBe(30);
    expect(window.first).toBe(71);
    expect(window.last).toBe(120);
    expect(window.atTail).toBe(false);
    // Detached: live lines only move what is known.
    expect(window.acceptLive(range(151, 160)).appended).toHaveLength(0);
    expect(window.knownLast).toBe(160);
    expect(window.prepend([])).toBe(0);
    expect(window.hasEarlier).toBe(false);
  });

  it('finds lines by number', () => {
    const window = new LogWindow(100);
    window.acceptLive([line(3), line(5), line(9)]);
    expect(window.has(5)).toBe(true);
    expect(window.has(4)).toBe(false);
    expect(window.after(3).map((item) => item.lineNo)).toEqual([5, 9]);
    expect(window.atOrAfter(6)?.lineNo).toBe(9);
    expect(window.after(9)).toEqual([]);
  });
});

describe('run-errors: the first error of the failed step is the likely root cause', () => {
  const steps = (statuses: Partial<Record<StepName, Step['status']>>, lines: Record<string, [number, number]>): Step[] =>
    Object.entries(statuses).map(([name, status], position) => ({
      runId: 'run_1',
      name: name as StepName,
      position,
      status: status!,
      startedAt: null,
      finishedAt: '2026-11-22T10:00:05.000Z',
      durationMs: 1,
      firstLineNo: lines[name]?.[0] ?? null,
      lastLineNo: lines[name]?.[1] ?? null,
    }));

  const run: RunDetail = {
    id: 'run_1',
    projectId: 'prj_1',
    deploymentId: 'dep_1',
    kind: 'deploy',
    status: 'failed',
    createdAt: '2026-11-22T10:00:00.000Z',
    startedAt: '2026-11-22T10:00:00.000Z',
    finishedAt: '2026-11-22T10:00:05.000Z',
    durationMs: 5000,
    imageRef: null,
    releaseId: null,
    rollbackOfReleaseId: null,
    failure: null,
    scan: null,
    steps: steps({ detect: 'success', build: 'failed', setup: 'skipped' }, { detect: [1, 3], build: [4, 9] }),
  };
  const stored = [
    line(1, 'detecting', { runId: 'run_1', step: 'detect' }),
    line(2, 'ERROR: optional cache missing (ignored)', { runId: 'run_1', step: 'detect' }),
    line(3, 'ERROR from an earlier run', { runId: 'run_0', step: 'detect' }),
    line(4, 'Step 1/3 : FROM base', { runId: 'run_1', step: 'build' }),
    line(5, 'npm ERR! code ELIFECYCLE', { runId: 'run_1', step: 'build' }),
    line(6, 'npm ERR! errno 1', { runId: 'run_1', step: 'build' }),
    line(7, "The command '/bin/sh -c npm test' returned a non-zero code: 1", { runId: 'run_1', step: 'build' }),
    line(8, '0 errors in lint', { runId: 'run_1', step: 'build' }),
    line(9, 'done', { runId: 'run_1', step: 'build' }),
  ];
  // A BerthApi that pages the stored lines like the engine's GET /logs (lineNo > since, at most limit).
  const api = {
    request: async (name: string, input: { since: number; limit: number }) => {
      if (name !== 'getLogs') throw new Error(name);
      const lines = stored.filter((item) => item.lineNo > input.since).slice(0, 2);
      return { ok: true, value: { lines, lastLineNo: 9 } };
    },
  } as unknown as BerthApi;

  it('scans the whole run across pages; errors of other runs and harmless lines do not count', async () => {
    const errors = await scanRunErrors(api, 'dep_1', run, 9, { cancelled: false });
    expect(errors).toMatchObject({ lineNos: [2, 5, 6, 7], complete: true, scannedThrough: 9 });
    expect(errors!.rootCause).toEqual({ lineNo: 5, step: 'build', text: 'npm ERR! code ELIFECYCLE' });
    expect(adjacentError(errors!.lineNos, 5, 1)).toBe(6);
    expect(adjacentError(errors!.lineNos, 5, -1)).toBe(2);
    expect(adjacentError(errors!.lineNos, 7, 1)).toBeNull();
  });

  it('live lines add their errors once', async () => {
    const errors = (await scanRunErrors(api, 'dep_1', run, 9, { cancelled: false }))!;
    const live = [line(9, 'ERROR replayed', { runId: 'run_1' }), line(10, 'Error: late failure', { runId: 'run_1' })];
    const updated = withLiveErrors(errors, live, run);
    expect(updated.lineNos).toEqual([2, 5, 6, 7, 10]);
    expect(withLiveErrors(updated, live, run)).toBe(updated);
  });

  it('a stack trace is one error, at the line that began it, also when it arrives live across batches', async () => {
    const traceback = [
      'Traceback (most recent call last):',
      '  File "/app/app.py", line 3, in <module>',
      '    raise ValueError("Error: bad config")',
      'ValueError: Error: bad config',
      'java.lang.IllegalStateException: boom',
      '\tat com.example.App.main(App.java:10)',
      'Caused by: java.io.IOException: disk gone',
    ];
    const traced = [...stored.slice(0, 4), ...traceback.map((text, index) => line(5 + index, text, { runId: 'run_1', step: 'build' }))];
    const tracedApi = {
      request: async (_name: string, input: { since: number; limit: number }) => ({ ok: true, value: { lines: traced.filter((item) => item.lineNo > input.since).slice(0, 2), lastLineNo: 11 } }),
    } as unknown as BerthApi;
    const tracedRun = { ...run, steps: steps({ detect: 'success', build: 'failed', setup: 'skipped' }, { detect: [1, 3], build: [4, 11] }) };
    const errors = (await scanRunErrors(tracedApi, 'dep_1', tracedRun, 11, { cancelled: false }))!;
    // The traceback (lines 5–8) and the Java trace (9–11) count once each, at their heads.
    expect(errors.lineNos).toEqual([2, 5, 9]);
    expect(errors.rootCause).toEqual({ lineNo: 5, step: 'build', text: 'Traceback (most recent call last):' });
    // Live: a trace whose head came in one batch and its exception line in the next.
    let live = withLiveErrors(errors, [line(12, 'Traceback (most recent call last):', { runId: 'run_1' }), line(13, '  File "x.py", line 1', { runId: 'run_1' })], tracedRun);
    live = withLiveErrors(live, [line(14, 'KeyError: Error: missing', { runId: 'run_1' }), line(15, 'ERROR next request failed', { runId: 'run_1' })], tracedRun);
    expect(live.lineNos).toEqual([2, 5, 9, 12, 15]);
  });

  it('the viewer pre-check never disagrees with isErrorLine', () => {
    const corpus = [
      ...stored.map((item) => item.text),
      'panic: runtime error: index out of range',
      'Traceback (most recent call last):',
      'java.lang.IllegalStateException: boom',
      'sh: foo: command not found',
      'Segmentation fault (core dumped)',
      'container exited with code 137',
      '[CRASH] exit=137 oom=true',
      'OOMKilled',
      'FATAL: password authentication failed',
      'INFO request ok status=200',
      'all good, no errors',
    ];
    for (const text of corpus) expect(looksLikeError({ text, level: 'unknown' }), text).toBe(isErrorLine(text));
  });

  it('a line whose detected level is error or fatal is an error line, whatever its words', () => {
    expect(looksLikeError({ text: 'E1204 10:11:12.123456 1 main.go:42] disk quota reached', level: 'error' })).toBe(true);
    expect(looksLikeError({ text: '{"lvl":60,"msg":"shutting down"}', level: 'fatal' })).toBe(true);
    expect(looksLikeError({ text: 'WARN disk almost full', level: 'warn' })).toBe(false);
  });
});
