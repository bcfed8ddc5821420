import type { Command } from 'commander';
import { decodeSse, isFinishedRun, readStreamMessage, streamPath, type RunDetail } from '../../../shared';
import { clientFor, type ApiClient } from '../client';
import { CliError, printJson, printTable } from '../output';

function seconds(ms: number | null): string {
  return ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`;
}

export function describeRun(run: RunDetail): string {
  const lines = [`Run ${run.id} (${run.kind}) ${run.status}${run.durationMs !== null ? ` in ${seconds(run.durationMs)}` : ''}`];
  for (const step of run.steps) lines.push(`  ${step.status.padEnd(8)} ${step.name.padEnd(9)} ${seconds(step.durationMs)}`);
  if (run.releaseId) lines.push(`Release ${run.releaseId}${run.imageRef ? ` (${run.imageRef})` : ''}`);
  if (run.failure) {
    lines.push(`Failure: ${run.failure.code} at ${run.failure.stage} (${run.failure.category}${run.failure.retryable ? ', retryable' : ''})`);
    lines.push(`  ${run.failure.summary}`);
    lines.push(`  Likely cause: ${run.failure.likelyCause}`);
    if (run.failure.evidence.line) lines.push(`  Evidence (line ${run.failure.evidence.lineNo ?? '?'}): ${run.failure.evidence.line}`);
  }
  return lines.join('\n');
}

/**
 * Prints each step change of a run as the engine announces it (the events stream carries every
 * `runUpdated`, so no change is missed between two looks), until the run ends; exits non-zero when it
 * did not complete.
 */
async function watchRun(client: ApiClient, runId: string, json: boolean): Promise<void> {
  const seen = new Map<string, string>();
  const show = (run: RunDetail): void => {
    if (json) return;
    for (const step of run.steps) {
      if (seen.get(step.name) === step.status) continue;
      seen.set(step.name, step.status);
      if (step.status !== 'pending') process.stdout.write(`${step.name.padEnd(9)} ${step.status}${step.durationMs !== null ? ` (${seconds(step.durationMs)})` : ''}\n`);
    }
  };
  const finished = await followRun(client, runId, show);
  if (json) printJson(finished);
  else {
    process.stdout.write(`${describeRun(finished)}\n`);
    // Where it serves now: the new release, or the earlier one an automatic rollback kept.
    const deployment = await client.call('getDeployment', { id: finished.deploymentId });
    if (deployment.status === 'running' && deployment.hostPort !== null) {
      process.stdout.write(`${finished.status === 'completed' ? 'Live' : 'Still serving the earlier release'} at http://127.0.0.1:${deployment.hostPort}\n`);
    }
  }
  if (finished.status !== 'completed') throw new CliError(`The run ${finished.status}. See \`berth run ${finished.id}\` and \`berth logs ${finished.deploymentId}\`.`, 1, 'RUN_FAILED');
}

/** Hands every state of the run to `onUpdate` until it has finished; resolves with its last state. */
async function followRun(client: ApiClient, runId: string, onUpdate: (run: RunDetail) => void): Promise<RunDetail> {
  for (;;) {
    const abort = new AbortController();
    try {
      const response = await client.stream(streamPath('events', {}), {}, abort.signal);
      // Read after subscribing, so a change between the two is in the stream.
      let run = await client.call('getRun', { id: runId });
      onUpdate(run);
      if (isFinishedRun(run.status)) return run;
      for await (const message of decodeSse(response.body!.pipeThrough(new TextDecoderStream()))) {
        const read = readStreamMessage('events', message);
        if (read?.event !== 'runUpdated' || read.payload.id !== runId) continue;
        run = read.payload;
        onUpdate(run);
        if (isFinishedRun(run.status)) return run;
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      // The stream dropped. If the engine itself is gone, this call says so and ends the command.
      await client.call('getRun', { id: runId });
    } finally {
      abort.abort();
    }
    // Reconnect, and read the run again.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function registerRunCommands(program: Command): void {
  for (const verb of ['deploy', 'redeploy'] as const) {
    program
      .command(`${verb} <project>`)
      .description(verb === 'deploy' ? 'deploy a project and stream its steps' : 'deploy a project again (a new run; cached layers make it faster)')
      .option('--detach', 'return once the run has started')
      .action(async (project: string, options: { detach?: boolean }, command: Command) => {
        const { client, options: global } = clientFor(command);
        const { run, deployment } = await client.call('deploy', { id: project });
        if (!global.json) process.stdout.write(`Run ${run.id} (${run.kind}) started for ${deployment.id}\n`);
        if (options.detach) return global.json ? printJson({ run, deployment }) : undefined;
        return watchRun(client, run.id, global.json);
      });
  }

  program
    .command('rollback <project>')
    .description('roll back to the previous release, or to --release <id>')
    .option('--release <releaseId>', 'the release to restore')
    .option('--detach', 'return once the run has started')
    .action(async (project: string, options: { release?: string; detach?: boolean }, command: Command) => {
      const { client, options: global } = clientFor(command);
      const { run } = await client.call('rollback', { id: project, ...(options.release ? { releaseId: options.release } : {}) });
      if (options.detach) return global.json ? printJson(run) : void process.stdout.write(`Rollback run ${run.id} started.\n`);
      return watchRun(client, run.id, global.json);
    });

  program
    .command('runs <project>')
    .description('list the runs of a project, newest first')
    .action(async (project: string, _options: unknown, command: Command) => {
      const { client, options } = clientFor(command);
      const runs = await client.call('listRuns', { id: project });
      if (options.json) return printJson(runs);
      printTable(
        ['RUN', 'KIND', 'STATUS', 'STARTED', 'DURATION', 'FAILURE'],
        runs.map((run) => [run.id, run.kind, run.status, run.startedAt ?? run.createdAt, seconds(run.durationMs), run.failure?.code ?? '']),
      );
      return undefined;
    });

  program
    .command('run <runId>')
    .description('show a run with its steps and failure')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const { client, options } = clientFor(command);
      const run = await client.call('getRun', { id: runId });
      if (options.json) printJson(run);
      else process.stdout.write(`${describeRun(run)}\n`);
    });

  for (const [verb, request] of [
    ['pause', 'pauseRun'],
    ['resume', 'resumeRun'],
    ['cancel', 'stopRun'],
  ] as const) {
    program
      .command(`${verb} <runId>`)
      .description(verb === 'cancel' ? 'stop a run: remaining steps are skipped' : `${verb} a run`)
      .action(async (runId: string, _options: unknown, command: Command) => {
        const { client, options } = clientFor(command);
        const run = await client.call(request, { id: runId });
        if (options.json) printJson(run);
        else process.stdout.write(`${describeRun(run)}\n`);
      });
  }
}
