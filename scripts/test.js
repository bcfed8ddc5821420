#!/usr/bin/env node
// `npm test`: what CI runs. Provisions what the tests need, then lint, the typecheck of every side,
// the desktop build (which makes the `berth` CLI too), vitest (unit + integration against the real
// Docker engine, moto and a local registry), the browser build, and Playwright e2e in Debian's
// Chromium. Ends with one line of counts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { provision } from './provision.js';

const results = [];
const bin = (name) => `node_modules/.bin/${name}`;

function step(name, command, args, env = {}) {
  process.stdout.write(`\n=== ${name}: ${[command, ...args].join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  results.push({ name, ok, seconds: Math.round((Date.now() - started) / 1000) });
  process.stdout.write(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`}\n`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function firstLine(message) {
  // eslint-disable-next-line no-control-regex -- strips the colour codes the reporters put in messages
  const plain = String(message ?? '').replace(/\u001b\[[0-9;]*m/g, '');
  const line = plain.split('\n').map((part) => part.trim()).find((part) => part.length > 0) ?? '';
  return line.length > 140 ? `${line.slice(0, 140)}…` : line;
}

function vitestFailures(report) {
  const lines = [];
  for (const file of report?.testResults ?? []) {
    const name = file.name.replace(`${process.cwd()}/`, '');
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failed) lines.push(`vitest ${name} › ${test.title}: ${firstLine(test.failureMessages?.[0])}`);
    if (failed.length === 0 && file.status === 'failed') lines.push(`vitest ${name}: ${firstLine(file.message)}`);
  }
  return lines;
}

function e2eFailures(report) {
  const lines = [];
  const visit = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected') continue;
        const error = test.results?.find((result) => result.error)?.error;
        lines.push(`e2e ${spec.file}:${spec.line} › ${spec.title}: ${firstLine(error?.message)}`);
      }
    }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of report?.suites ?? []) visit(suite);
  return lines;
}

// What the tests use: everything but the AWS CLI, which only the S3 bench runs (it provisions it itself).
const TEST_PARTS = ['native', 'chromium', 'docker', 'registry', 'moto', 'schemathesis', 'runtimes', 'node24', 'compose-v5'];
process.stdout.write(`=== provision: ${TEST_PARTS.join(', ')} (docker: the engine, Compose and the busybox base image; runtimes: the zero-config base images; node24: the Node 24 smoke test; compose-v5: the stack tests' second Compose)\n`);
try {
  await provision(TEST_PARTS);
} catch (error) {
  process.stderr.write(`npm test cannot run: ${error.message}\n`);
  process.exit(1);
}

rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });

step('lint', bin('eslint'), ['.', '--max-warnings', '0']);
step('typecheck shared', bin('tsc'), ['-p', 'tsconfig.shared.json']);
step('typecheck node (engine, main, preload, cli, tests)', bin('tsc'), ['-p', 'tsconfig.node.json']);
step('typecheck web (renderer)', bin('tsc'), ['-p', 'tsconfig.web.json']);
// Before vitest: its CLI and integration tests spawn bin/berth.js, which runs out/main/cli.js.
step('desktop and CLI build (electron-vite)', bin('electron-vite'), ['build']);
step('vitest (unit + integration)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json'], { BERTH_LOG_LEVEL: 'warn' });
step('browser build (renderer)', bin('vite'), ['build', '--config', 'vite.renderer.config.ts']);
step('e2e (Playwright + Chromium)', bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/e2e.json', BERTH_LOG_LEVEL: 'warn' });

const vitest = readJson('test-results/vitest.json');
const e2e = readJson('test-results/e2e.json');
const passed = (vitest?.numPassedTests ?? 0) + (e2e?.stats?.expected ?? 0) + (e2e?.stats?.flaky ?? 0);
const failed = (vitest?.numFailedTests ?? 0) + (e2e?.stats?.unexpected ?? 0);
const skipped = (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0) + (e2e?.stats?.skipped ?? 0);

const failures = [...vitestFailures(vitest), ...e2eFailures(e2e)];
if (failures.length > 0) {
  // CI keeps only the tail of the output, so the names and first error lines of what failed go here.
  process.stdout.write('\n=== failures\n');
  for (const line of failures.slice(0, 12)) process.stdout.write(`${line}\n`);
  if (failures.length > 12) process.stdout.write(`... and ${failures.length - 12} more (see above)\n`);
}

process.stdout.write('\n=== summary\n');
const docker = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 10_000 });
process.stdout.write(`docker engine at the end: ${docker.status === 0 ? `answers (${docker.stdout.trim()})` : `NOT answering (${(docker.stderr || String(docker.error ?? '')).trim().split('\n')[0]})`}\n`);
for (const result of results) process.stdout.write(`${result.ok ? 'ok    ' : 'FAILED'} ${result.name} (${result.seconds}s)\n`);
// Worded unlike the closing line, so that CI reads the counts from the last line only.
process.stdout.write(`by runner: vitest ${vitest?.numPassedTests ?? 0} passed and ${vitest?.numFailedTests ?? 0} failed; e2e ${e2e?.stats?.expected ?? 0} passed and ${e2e?.stats?.unexpected ?? 0} failed\n`);

const stepsFailed = results.some((result) => !result.ok);
const ranNothing = passed + failed === 0;
if (ranNothing) process.stdout.write('No test ran: that is a failure.\n');
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(stepsFailed || failed > 0 || ranNothing ? 1 : 0);
