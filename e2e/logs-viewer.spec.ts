// The terminal log viewer in Chromium against a real `berth serve`. The data dir is seeded through
// the engine's own Store and LogWriter before the engine starts, so the lines (and the search index
// the writer keeps) are exactly what a real run would have stored.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { projectSettingsSchema, type Failure, type LogStream, type StepName } from '../shared';
import { Store } from '../electron/engine/store/store';
import { expect, startBerth, test } from './support/berth';
import { clickTerminalRow, openProjectLogs as openLogs, terminalRow, USE_DOM_RENDERER } from './support/log-viewer';

interface SeededLine {
  readonly stream: LogStream;
  readonly text: string;
  readonly step?: StepName | null;
  readonly source?: 'deploy' | 'runtime';
}

interface Seeded {
  readonly projectId: string;
  readonly deploymentId: string;
  readonly lineNoOf: (text: string) => number;
}

const FILLER_LINES = 12_000;
const NEEDLE = 'needle-7f3a deep in the history';
const ROOT_CAUSE = 'npm ERR! code ELIFECYCLE (logs-viewer root cause)';
/** As Docker's classic builder stores a RUN step's stderr: wrapped in red (the reset starts the next line). */
const ROOT_CAUSE_STORED = `\u001b[91m${ROOT_CAUSE}`;

/** Seeds one project with a failed run (build failed) and `lines`, through the engine's writer. */
function seedProject(store: Store, name: string, lines: readonly SeededLine[], options: { failedStep?: StepName } = {}): Seeded {
  const project = store.projects.create({ name, sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
  const deployment = store.deployments.create(project.id, 'docker');
  store.deployments.update(deployment.id, { status: 'failed' });
  const steps: StepName[] = ['detect', 'build', 'setup', 'deploy', 'verify', 'done'];
  const run = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps });
  const writer = new LogWriter(store, { maxBatchLines: 1000 });
  const lineNos = new Map<string, number>();
  const start = Date.now() - lines.length * 10;
  lines.forEach((line, index) => {
    const source = line.source ?? (line.step ? 'deploy' : 'runtime');
    const lineNo = writer.append(deployment.id, { stream: line.stream, source, text: line.text, runId: source === 'deploy' ? run.id : null, step: line.step ?? null, ts: start + index * 10 });
    if (!lineNos.has(line.text)) lineNos.set(line.text, lineNo);
  });
  writer.close();
  // Step statuses and line ranges, as the pipeline stamps them.
  const failedAt = options.failedStep ? steps.indexOf(options.failedStep) : steps.length;
  steps.forEach((step, position) => {
    const own = lines.map((line, index) => ({ line, lineNo: index + 1 })).filter(({ line }) => line.step === step);
    const status = position < failedAt ? 'success' : position === failedAt ? 'failed' : 'skipped';
    store.runs.updateStep(run.id, step, {
      status,
      ...(own.length > 0 ? { firstLineNo: own[0]!.lineNo, lastLineNo: own.at(-1)!.lineNo, startedAt: start, finishedAt: start + 1000 } : {}),
    });
  });
  const failure: Failure | null = options.failedStep
    ? {
        stage: 'build',
        category: 'build_failure',
        code: 'DOCKER_IMAGE_BUILD_FAILED',
        retryable: false,
        summary: 'The image build failed.',
        likelyCause: 'A RUN step exited non-zero.',
        evidence: { lineNo: null, line: null, context: [] },
      }
    : null;
  store.runs.update(run.id, { status: options.failedStep ? 'failed' : 'completed', startedAt: start, finishedAt: start + 5000, failure });
  return {
    projectId: project.id,
    deploymentId: deployment.id,
    lineNoOf: (text) => {
      const lineNo = lineNos.get(text);
      if (lineNo === undefined) throw new Error(`not seeded: ${text}`);
      return lineNo;
    },
  };
}

function mainCorpus(): SeededLine[] {
  const lines: SeededLine[] = [
    { stream: 'system', step: 'detect', text: '[DETECT] Dockerfile found' },
    // An error-looking line in a step that succeeded: not the root cause.
    { stream: 'stderr', step: 'detect', text: 'ERROR: optional cache manifest missing (ignored)' },
    { stream: 'stdout', step: 'build', text: 'Step 1/4 : FROM berth-test/busybox:1' },
    { stream: 'stdout', step: 'build', text: 'Step 2/4 : RUN npm ci' },
  ];
  for (let index = 0; index < 20; index += 1) lines.push({ stream: 'stdout', step: 'build', text: `added package ${index}` });
  lines.push({ stream: 'stderr', step: 'build', text: ROOT_CAUSE_STORED });
  lines.push({ stream: 'stderr', step: 'build', text: '\u001b[0mnpm ERR! errno 1 (cascade)' });
  lines.push({ stream: 'stderr', step: 'build', text: "The command '/bin/sh -c npm ci' returned a non-zero code: 1" });
  lines.push({ stream: 'stdout', text: NEEDLE });
  for (let index = 1; index <= FILLER_LINES; index += 1) lines.push({ stream: 'stdout', text: `filler line ${index} status=ok` });
  lines.push({ stream: 'stderr', text: 'tail-stderr sample warning' });
  lines.push({ stream: 'system', text: '[RESTART] tail-system sample' });
  lines.push({ stream: 'stdout', text: 'docs: https://example.invalid/berth-docs and ftp://example.invalid/pub and file:///etc/passwd' });
  lines.push({ stream: 'stdout', text: 'tail-stdout last line' });
  return lines;
}

const JSON_DEEP = `{"deep":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`;

function hostileCorpus(): SeededLine[] {
  const megabyte = `huge-line-start ${'x'.repeat(1_048_576)} huge-line-end`;
  const escapes = '\x1b[31m\x1b[1;2;3;4m\x1b[H\x1b[2J\x1b[?1049h'.repeat(20_000);
  return [
    { stream: 'stdout', text: 'hostile-begin' },
    { stream: 'stdout', text: 'title via OSC 0 \x1b]0;PWNED-TITLE-0\x07 done' },
    { stream: 'stdout', text: 'title via OSC 2 \x1b]2;PWNED-TITLE-2\x1b\\ done' },
    { stream: 'stdout', text: 'clipboard via OSC 52 \x1b]52;c;UFdORUQtQ0xJUEJPQVJE\x07 done' },
    { stream: 'stdout', text: 'clipboard via C1 OSC \x9d52;c;UFdORUQtQ0xJUEJPQVJE\x9c done' },
    { stream: 'stdout', text: 'link via OSC 8 \x1b]8;;javascript:alert(1)\x1b\\click me\x1b]8;;\x1b\\ done' },
    { stream: 'stdout', text: 'DECRQSS \x1bP$qm\x1b\\ and DA \x1b[c and DSR \x1b[6n done' },
    { stream: 'stdout', text: 'progress 10%\rprogress 50%\rprogress 100% overwritten' },
    { stream: 'stdout', text: megabyte },
    { stream: 'stdout', text: `invalid utf-8 \uFFFD\uFFFD lone surrogate \uD800 nul \u0000 bell \u0007 done` },
    { stream: 'stdout', text: `escape storm ${escapes} end-of-storm` },
    { stream: 'stdout', text: 'unterminated OSC \x1b]0;PWNED-TITLE-UNTERMINATED' },
    // JSON bombs: deep nesting, a 1 MB object, and a few thousand keys (the assembler caps lines at 64 KB;
    // these go through the writer as they are, bigger than any line a container can store).
    { stream: 'stdout', text: JSON_DEEP },
    { stream: 'stdout', text: `{"bomb":"${'b'.repeat(1_048_576)}"}` },
    { stream: 'stdout', text: `{${Array.from({ length: 5000 }, (_, index) => `"key${index}":${index}`).join(',')}}` },
    { stream: 'stderr', text: 'hostile-end marker' },
  ];
}


let server: Awaited<ReturnType<typeof startBerth>>;
let dataDir: string;
let main: Seeded;
let hostile: Seeded;
let traced: Seeded;

/** A build that fails with a Python traceback: one event, however many of its lines read like errors. */
const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/app/setup.py", line 4, in <module>',
  '    raise RuntimeError("Error: compiler missing")',
  'RuntimeError: Error: compiler missing',
];

function tracebackCorpus(): SeededLine[] {
  return [
    { stream: 'system', step: 'detect', text: '[DETECT] Dockerfile found' },
    { stream: 'stdout', step: 'build', text: 'Step 2/3 : RUN python setup.py build' },
    ...TRACEBACK.map((text) => ({ stream: 'stderr' as const, step: 'build' as const, text })),
    { stream: 'stderr', step: 'build', text: "The command '/bin/sh -c python setup.py build' returned a non-zero code: 1" },
    { stream: 'stdout', text: 'traceback tail line' },
    { stream: 'stderr', text: 'INFO server ready on :8080 (an info line on stderr)' },
    { stream: 'stdout', text: JSON_LINE },
  ];
}

const JSON_LINE = '{"level":"warn","msg":"slow upstream","status":503,"user":{"id":42,"roles":["admin"]},"cached":false}';

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'logs-viewer-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  try {
    main = seedProject(store, 'logs-viewer main', mainCorpus(), { failedStep: 'build' });
    hostile = seedProject(store, 'logs-viewer hostile', hostileCorpus());
    traced = seedProject(store, 'logs-viewer traceback', tracebackCorpus(), { failedStep: 'build' });
  } finally {
    store.close();
  }
  server = await startBerth({ BERTH_DATA_DIR: dataDir });
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function openProjectLogs(page: Page, projectId: string): Promise<void> {
  return openLogs(page, server.browserUrl, projectId);
}

test('stderr lines are red and system lines blue; stdout keeps the default colour', async ({ page }) => {
  await openProjectLogs(page, main.projectId);
  await expect(terminalRow(page, 'tail-stdout last line')).toBeVisible();
  await expect(terminalRow(page, 'tail-stderr sample warning').locator('span.xterm-fg-1')).toContainText('tail-stderr sample warning');
  await expect(terminalRow(page, '[RESTART] tail-system sample').locator('span.xterm-fg-4')).toContainText('tail-system sample');
  await expect(terminalRow(page, 'tail-stdout last line').locator('span[class*="xterm-fg-"]')).toHaveCount(0);
});

test('"Jump to first error" lands on the first error of the failed step, marked as the likely root cause', async ({ page }) => {
  await openProjectLogs(page, main.projectId);
  // The root cause is far above the loaded tail, so the viewer pages it in.
  await expect(page.getByTestId('log-earlier-marker')).toBeVisible();
  await expect(page.locator('.log-root-cause-banner')).toContainText(ROOT_CAUSE);
  // The banner is HTML: the stored escape sequences are not printed raw.
  await expect(page.locator('.log-root-cause-banner')).not.toContainText('[91m');
  await page.getByRole('button', { name: 'Jump to first error' }).click();
  const lineNo = main.lineNoOf(ROOT_CAUSE_STORED);
  await expect(page.getByTestId('log-status')).toContainText(`Showing line ${lineNo} (likely root cause)`);
  await expect(terminalRow(page, ROOT_CAUSE)).toBeVisible();
  await expect(page.locator('.log-terminal .log-root-cause')).toHaveText('likely root cause');
  // The overview ruler beside the scrollbar appears once there are error marks to show.
  await expect(page.locator('.log-terminal .xterm-decoration-overview-ruler')).toBeAttached();
  // The earlier error in the (successful) detect step is not where it lands.
  expect(main.lineNoOf('ERROR: optional cache manifest missing (ignored)')).toBeLessThan(lineNo);
  // Next error goes on to the cascade, across the run.
  await page.getByRole('button', { name: 'Next error' }).click();
  await expect(page.getByTestId('log-status')).toContainText(`Showing line ${main.lineNoOf('\u001b[0mnpm ERR! errno 1 (cascade)')}`);
});

test('search finds a regex match and counts the matches; Enter and Shift+Enter move between them', async ({ page }) => {
  await openProjectLogs(page, main.projectId);
  await expect(terminalRow(page, 'tail-stdout last line')).toBeVisible();
  await page.locator('.log-terminal').click();
  await page.keyboard.press('Control+f');
  const input = page.getByRole('searchbox', { name: 'Search in logs' });
  await expect(input).toBeFocused();
  await page.getByRole('button', { name: 'Regex' }).click();
  // filler lines 11990–11999 are in the loaded tail: ten matches.
  await input.fill('filler line 1199\\d status');
  await expect(page.getByRole('status', { name: 'Match count' })).toHaveText(/of 10$/);
  await input.press('Enter');
  const first = await page.getByRole('status', { name: 'Match count' }).textContent();
  await input.press('Shift+Enter');
  await expect(page.getByRole('status', { name: 'Match count' })).not.toHaveText(first ?? '');
  await expect(page.locator('.log-terminal .xterm-decoration-container > *').first()).toBeAttached();
  await input.fill('filler line (');
  await expect(page.getByRole('status', { name: 'Match count' })).toContainText('Not a valid regular expression');
});

test('full-history search finds a line far beyond the scrollback and clicking it loads that place', async ({ page }) => {
  await openProjectLogs(page, main.projectId);
  await expect(terminalRow(page, 'tail-stdout last line')).toBeVisible();
  await expect(terminalRow(page, NEEDLE)).toHaveCount(0);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const input = page.getByRole('searchbox', { name: 'Search in logs' });
  await input.fill('needle-7f3a');
  // Not in the loaded lines…
  await expect(page.getByRole('status', { name: 'Match count' })).toHaveText('No matches');
  // …but stored: the history search finds it, with its time and step.
  await page.getByRole('button', { name: 'Search all history' }).click();
  const results = page.getByLabel('History search results');
  await expect(results).toContainText('1 stored line match');
  const hit = results.getByRole('button', { name: new RegExp(NEEDLE) });
  await expect(hit).toContainText(`#${main.lineNoOf(NEEDLE)}`);
  await expect(hit.locator('time')).toHaveText(/^\d\d:\d\d:\d\d\.\d{3}$/);
  await hit.click();
  await expect(page.getByTestId('log-status')).toContainText(`Showing line ${main.lineNoOf(NEEDLE)}`);
  await expect(terminalRow(page, NEEDLE)).toBeVisible();
  await expect(page.getByTestId('log-later-marker')).toContainText('newer lines stored but not loaded');
});

test('hostile log content leaves the clipboard and the title untouched and does not break the viewer', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.addInitScript(USE_DOM_RENDERER);
  // The page's responsiveness: the longest task on its main thread (the browser reports those over 50 ms).
  await page.addInitScript({
    content: 'window.longestTask = 0; new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.longestTask = Math.max(window.longestTask, entry.duration); }).observe({ type: "longtask", buffered: true });',
  });
  await page.goto(server.browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
  await page.evaluate(`navigator.clipboard.writeText('clipboard-sentinel')`);
  const opened: string[] = [];
  page.on('popup', (popup) => opened.push(popup.url()));
  await page.evaluate(`window.location.hash = '#/projects/${hostile.projectId}'`);
  await expect(page.getByTestId('log-viewer')).toHaveAttribute('data-connected', 'true');
  await expect(page).toHaveTitle(/logs-viewer hostile/);
  const title = await page.title();
  await expect(terminalRow(page, 'hostile-end marker')).toBeVisible();
  // Every hostile line went through the terminal (the engine may add its own system lines after them).
  await expect.poll(async () => Number(await page.getByTestId('log-viewer').getAttribute('data-written-through'))).toBeGreaterThanOrEqual(hostile.lineNoOf('hostile-end marker'));
  // What the hostile lines left in the terminal, read through the viewer's own search.
  await page.keyboard.press('Control+f');
  const search = page.getByRole('searchbox', { name: 'Search in logs' });
  const count = page.getByRole('status', { name: 'Match count' });
  await search.fill('progress 100% overwritten');
  await expect(count).toHaveText(/of 1$/);
  await search.fill('progress 50%');
  await expect(count).toHaveText('No matches');
  await search.fill('PWNED');
  await expect(count).toHaveText('No matches');
  await search.fill('huge-line-start');
  await expect(count).toHaveText(/of 1$/);
  await search.fill('end-of-storm');
  await expect(count).toHaveText(/of 1$/);
  await search.fill('click me');
  await expect(count).toHaveText(/of 1$/);
  await search.press('Escape');
  const link = page.locator('.log-terminal .xterm-rows > div', { hasText: 'click me' });
  if (await link.count()) await link.click({ force: true });
  expect(await page.title()).toBe(title);
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe('clipboard-sentinel');
  expect(opened).toEqual([]);
  // The JSON bombs: coloured or shown raw in the terminal, and opening one says it is shown as stored.
  // (A link to the line marks it, as a click would.)
  await page.evaluate(`window.location.hash = '#/projects/${hostile.projectId}?deployment=${hostile.deploymentId}&line=${hostile.lineNoOf(JSON_DEEP)}'`);
  await expect(page.getByTestId('log-json-view')).toContainText('nested too deeply to show');
  await expect(terminalRow(page, '{"deep":{"a":{"a":')).toHaveCount(1);
  // Still responsive: the controls work after the corpus.
  await page.getByRole('checkbox', { name: 'Timestamps' }).check();
  await expect(terminalRow(page, 'hostile-end marker')).toContainText(/\d\d:\d\d:\d\d\.\d{3} hostile-end marker/);
  // No task held the page for long: a stall (parsing a bomb, a runaway regex) would be seconds. The bound
  // is generous for a shared 2-core machine; a normal load of this corpus stays well under it.
  const longest = await page.evaluate<number>('window.longestTask');
  expect(longest, `the longest main-thread task was ${Math.round(longest)} ms`).toBeLessThan(1500);
  expect(await page.title()).toBe(title);
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe('clipboard-sentinel');
});

test('only http(s) links open, and only on a click, in a new tab without opener', async ({ page, context }) => {
  // No network: the link's host answers from a route, so the new tab lands on the link itself.
  await context.route('https://example.invalid/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>docs</title>' }));
  // Records every window.open call the page makes (then opens as usual).
  await page.addInitScript({
    content: 'window.openedLinks = []; const open = window.open.bind(window); window.open = (...args) => { window.openedLinks.push(args.map(String)); return open(...args); };',
  });
  await openProjectLogs(page, main.projectId);
  const row = terminalRow(page, 'docs: https://example.invalid/berth-docs');
  await expect(row).toBeVisible();
  await row.scrollIntoViewIfNeeded();
  const text = (await row.textContent()) ?? '';
  const box = (await row.boundingBox())!;
  const cell = (await terminalRow(page, 'tail-stdout last line').locator('span').first().boundingBox())!.width / 'tail-stdout last line'.length;
  const at = (needle: string) => ({ x: box.x + (text.indexOf(needle) + 3) * cell, y: box.y + box.height / 2 });
  const popups: string[] = [];
  page.on('popup', (popup) => popups.push(popup.url()));
  for (const needle of ['ftp://example.invalid/pub', 'file:///etc/passwd']) {
    await page.mouse.move(at(needle).x, at(needle).y);
    await page.mouse.click(at(needle).x, at(needle).y);
  }
  await page.mouse.move(at('https://').x, at('https://').y);
  const popup = page.waitForEvent('popup');
  await page.mouse.click(at('https://').x, at('https://').y);
  const opened = await popup;
  await opened.waitForLoadState();
  expect(opened.url()).toBe('https://example.invalid/berth-docs');
  expect(popups).toHaveLength(1);
  expect(await page.evaluate<string[][]>('window.openedLinks')).toEqual([['https://example.invalid/berth-docs', '_blank', 'noopener,noreferrer']]);
  expect(await opened.evaluate<boolean>('window.opener === null')).toBe(true);
});

test('stream filter, paging earlier lines in, and a download of what the filters show', async ({ page }) => {
  await openProjectLogs(page, main.projectId);
  await expect(terminalRow(page, 'tail-stdout last line')).toBeVisible();
  // Filter: without stdout, the stderr and system lines stay.
  await page.getByRole('checkbox', { name: 'stdout' }).uncheck();
  await expect(terminalRow(page, 'tail-stdout last line')).toHaveCount(0);
  await expect(terminalRow(page, 'tail-stderr sample warning')).toBeVisible();
  await expect(terminalRow(page, '[RESTART] tail-system sample')).toBeVisible();
  // Download: every stored line the filters show (stderr + system), not just the loaded ones.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download' }).click();
  const file = readFileSync((await (await downloading).path())!, 'utf8');
  const stored = mainCorpus().filter((line) => line.stream !== 'stdout');
  expect(file.trim().split('\n')).toEqual(stored.map((line) => `[${line.stream}] ${line.text}`));
  // Paging: the marker says which lines are not loaded, and "Load earlier" brings them in.
  await page.getByRole('checkbox', { name: 'stdout' }).check();
  const marker = page.getByTestId('log-earlier-marker');
  const before = Number(/Lines before ([\d,]+)/.exec((await marker.textContent()) ?? '')![1]!.replace(/,/g, ''));
  await marker.getByRole('button', { name: 'Load earlier' }).click();
  await expect(marker).not.toContainText(`Lines before ${before.toLocaleString('en-US')}`);
  const after = Number(/Lines before ([\d,]+)/.exec((await marker.textContent()) ?? '')![1]!.replace(/,/g, ''));
  expect(after).toBe(before - 2000);
  // The old first line (filler k is lineNo k + 28) is scrolled into view just below the new lines.
  await expect(terminalRow(page, `filler line ${before - 28} status=ok`)).toHaveCount(1);
});

test('a Python traceback is one event: "Jump to first error" lands on its first line, and "Next error" goes past its other lines', async ({ page }) => {
  await openProjectLogs(page, traced.projectId);
  await expect(terminalRow(page, 'traceback tail line')).toBeVisible();
  await page.getByRole('button', { name: 'Jump to first error' }).click();
  await expect(page.getByTestId('log-status')).toContainText(`Showing line ${traced.lineNoOf(TRACEBACK[0]!)} (likely root cause)`);
  await expect(page.locator('.log-root-cause-banner')).toContainText('Traceback (most recent call last):');
  // The traceback's exception line reads like an error too, but it is part of the same event.
  await page.getByRole('button', { name: 'Next error' }).click();
  await expect(page.getByTestId('log-status')).toContainText(`Showing line ${traced.lineNoOf("The command '/bin/sh -c python setup.py build' returned a non-zero code: 1")}`);
  // A history search hit inside the traceback names the line the trace began at.
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search in logs' }).fill('compiler missing');
  await page.getByRole('button', { name: 'Search all history' }).click();
  const hits = page.getByLabel('History search results').locator('li');
  await expect(hits).toHaveCount(2);
  await expect(hits.first()).toContainText(`in the trace from #${traced.lineNoOf(TRACEBACK[0]!)}: Traceback (most recent call last):`);
});

test('a JSON line is coloured in the terminal, and a click on it opens it pretty-printed', async ({ page }) => {
  await openProjectLogs(page, traced.projectId);
  const row = terminalRow(page, '"slow upstream"');
  await expect(row).toBeVisible();
  // Its level (warn, from the JSON field) is counted for the runtime; the run's system line is info.
  await expect(page.getByTestId('log-level-counts').locator('.log-level-group', { hasText: 'Runtime' })).toContainText('1 warn');
  await expect(page.getByTestId('log-level-counts').locator('.log-level-group', { hasText: 'Run' }).first()).toContainText('1 info');
  // Keys and values are coloured in place (the DOM renderer draws SGR colours as classes).
  await expect(row.locator('span.xterm-fg-6', { hasText: '"level"' })).toBeVisible();
  await expect(row.locator('span.xterm-fg-3', { hasText: '503' })).toBeVisible();
  const clickRow = (text: string) => clickTerminalRow(page, terminalRow(page, text));
  await clickRow('"slow upstream"');
  const view = page.getByTestId('log-json-view');
  await expect(view).toContainText(`Line ${traced.lineNoOf(JSON_LINE)} as JSON`);
  await expect(view.locator('pre')).toHaveText(JSON.stringify(JSON.parse(JSON_LINE), null, 2));
  await expect(view.locator('.json-key', { hasText: '"roles"' })).toBeVisible();
  await view.getByRole('button', { name: 'Close the JSON view' }).click();
  await expect(view).toHaveCount(0);
  // A line that is not JSON opens nothing.
  await clickRow('traceback tail line');
  await expect(page.getByTestId('log-status')).toContainText('selected');
  await expect(view).toHaveCount(0);
});

test('the level filter hides INFO lines, and shows them again', async ({ page }) => {
  await openProjectLogs(page, traced.projectId);
  const info = terminalRow(page, 'INFO server ready on :8080');
  await expect(info).toBeVisible();
  // An info line is not red, even on stderr: the level's colour wins over the stream's.
  await expect(info.locator('span.xterm-fg-1')).toHaveCount(0);
  await page.getByText('Levels', { exact: true }).click();
  await page.getByRole('checkbox', { name: 'info' }).uncheck();
  await expect(info).toHaveCount(0);
  await expect(page.getByText('Levels (6 of 7)')).toBeVisible();
  await expect(terminalRow(page, 'traceback tail line')).toBeVisible();
  await expect(terminalRow(page, '"slow upstream"')).toBeVisible();
  await page.getByRole('checkbox', { name: 'info' }).check();
  await expect(info).toBeVisible();
});

test('"Copy event" on a line of a traceback copies the whole traceback; on a plain line, the line alone', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openProjectLogs(page, traced.projectId);
  const clickRow = (text: string) => clickTerminalRow(page, terminalRow(page, text));
  await clickRow(TRACEBACK[1]!);
  await page.getByRole('button', { name: 'Copy event' }).click();
  await expect(page.getByTestId('log-status')).toContainText('Copied the event: 4 lines.');
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(`${TRACEBACK.join('\n')}\n`);
  await clickRow('traceback tail line');
  await page.getByRole('button', { name: 'Copy event' }).click();
  await expect(page.getByTestId('log-status')).toContainText('Copied the event: 1 line.');
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe('traceback tail line\n');
});
