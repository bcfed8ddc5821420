// A project with secrets, a failed run whose build step printed them, and a crash whose last lines did too:
// what "Analyze" is tested on. Written straight into a Store (before `berth serve` starts on it, or for an
// engine built in the test), like e2e/monitor-seed.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectSettingsSchema, type Failure } from '../../shared';
import type { Store } from '../../electron/engine/store/store';

export const SEEDED_SECRETS = {
  dbPassword: 'correct-horse-battery-staple',
  apiToken: 'tok_live_9f8e7d6c5b4a3210',
} as const;

/** Tokens that no setting names: redaction finds them by their shape. */
export const SHAPED_SECRETS = ['AKIAIOSFODNN7EXAMPLE', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'] as const;

export interface SeededFailure {
  readonly projectId: string;
  readonly projectName: string;
  readonly deploymentId: string;
  readonly runId: string;
  readonly sourceDir: string;
  readonly evidence: string;
}

/** `extraLines` go into the failed step's output too (a test's own secrets). */
export function seedFailedRun(store: Store, sourceDir: string, extraLines: readonly string[] = []): SeededFailure {
  // A small Node app, so the scan can tell the project's shape.
  mkdirSync(sourceDir, { recursive: true });
  writeFileSync(join(sourceDir, 'package.json'), JSON.stringify({ name: 'shop', scripts: { start: 'node server.js' }, engines: { node: '20' } }));
  writeFileSync(join(sourceDir, 'server.js'), "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000);\n");
  const project = store.projects.create({
    name: 'analyze me',
    sourceDir,
    target: 'docker',
    settings: projectSettingsSchema.parse({
      port: 3000,
      env: [
        { name: 'DB_PASSWORD', value: SEEDED_SECRETS.dbPassword, secret: true },
        { name: 'API_TOKEN', value: SEEDED_SECRETS.apiToken, secret: true },
        { name: 'NODE_ENV', value: 'production', secret: false },
      ],
    }),
  });
  const deployment = store.deployments.create(project.id, 'docker');
  const run = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['detect', 'build', 'setup', 'deploy', 'verify', 'done'] });
  const evidence = 'npm ERR! Missing script: "build"';
  const buildLines = [
    'Step 1/6 : FROM node:20-alpine',
    `Step 4/6 : RUN DATABASE_URL=postgres://app:${SEEDED_SECRETS.dbPassword}@db:5432/shop npm run build`,
    `using API token ${SEEDED_SECRETS.apiToken} for the registry`,
    `aws: ${SHAPED_SECRETS[0]} github: ${SHAPED_SECRETS[1]}`,
    ...extraLines,
    ...Array.from({ length: 400 }, (_, index) => `npm http fetch GET 200 https://registry.npmjs.org/pkg-${index} 12ms`),
    evidence,
    'npm ERR! A complete log of this run can be found in: /root/.npm/_logs/debug.log',
    'DOCKER_IMAGE_BUILD_FAILED: the build step exited with 1',
  ];
  const t0 = Date.now() - 60_000;
  let lineNo = 0;
  const lines = [
    { text: '[RUN] deploy run started', step: 'detect' as const, stream: 'system' as const, source: 'deploy' as const },
    { text: 'shape: server (node 20)', step: 'detect' as const, stream: 'stdout' as const, source: 'deploy' as const },
    ...buildLines.map((text) => ({ text, step: 'build' as const, stream: text.startsWith('npm ERR') || text.startsWith('DOCKER_') ? ('stderr' as const) : ('stdout' as const), source: 'deploy' as const })),
  ].map((line) => ({ deploymentId: deployment.id, lineNo: ++lineNo, ts: t0 + lineNo, stream: line.stream, source: line.source, runId: run.id, step: line.step, text: line.text, cut: false }));
  store.logLines.insertMany(lines);
  const buildFirst = lines.find((line) => line.step === 'build')!.lineNo;
  const evidenceLine = lines.find((line) => line.text === evidence)!;
  store.runs.update(run.id, { status: 'in_progress', startedAt: t0 });
  store.runs.updateStep(run.id, 'detect', { status: 'success', startedAt: t0, finishedAt: t0 + 1, firstLineNo: 1, lastLineNo: 2 });
  store.runs.updateStep(run.id, 'build', { status: 'failed', startedAt: t0 + 1, finishedAt: t0 + 2000, firstLineNo: buildFirst, lastLineNo: lineNo });
  for (const step of ['setup', 'deploy', 'verify', 'done'] as const) store.runs.updateStep(run.id, step, { status: 'skipped' });
  const failure: Failure = {
    stage: 'build',
    category: 'build_failure',
    code: 'DOCKER_IMAGE_BUILD_FAILED',
    retryable: false,
    summary: 'Docker image build failed',
    likelyCause: 'The build ran `npm run build`, but package.json has no build script. Add one, or set the build command to none.',
    evidence: { lineNo: evidenceLine.lineNo, line: evidence, context: lines.filter((line) => Math.abs(line.lineNo - evidenceLine.lineNo) <= 3).map((line) => line.text) },
  };
  store.runs.update(run.id, { status: 'failed', finishedAt: t0 + 2000, failure });
  store.deployments.update(deployment.id, { status: 'failed' });
  return { projectId: project.id, projectName: project.name, deploymentId: deployment.id, runId: run.id, sourceDir, evidence };
}

/** Runtime output that leaks a secret, then `[CRASH] exit=137 oom=true`; the deployment becomes crashed. */
export function seedCrash(store: Store, deploymentId: string): void {
  const last = store.logLines.lastLineNo(deploymentId);
  const t0 = Date.now() - 10_000;
  const texts = [
    'listening on :3000',
    `connecting with password ${SEEDED_SECRETS.dbPassword}`,
    'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  ];
  store.logLines.insertMany([
    ...texts.map((text, index) => ({ deploymentId, lineNo: last + index + 1, ts: t0 + index, stream: index === 2 ? ('stderr' as const) : ('stdout' as const), source: 'runtime' as const, runId: null, step: null, text, cut: false })),
    { deploymentId, lineNo: last + texts.length + 1, ts: t0 + 10, stream: 'system' as const, source: 'runtime' as const, runId: null, step: null, text: '[CRASH] exit=137 oom=true', cut: false },
  ]);
  store.deployments.update(deploymentId, { status: 'crashed', lastExitCode: 137 });
}
