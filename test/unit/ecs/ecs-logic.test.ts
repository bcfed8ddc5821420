// The pure parts of the ECS target and monitor: crash reading from real ECS task shapes (moto cannot
// produce exit codes or stop codes), metric conversion, error classification and the visible retry.
import type { Task } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { isCrash, splitMessage } from '../../../electron/engine/monitor/ecs/ecs-monitor';
import { toSamples } from '../../../electron/engine/monitor/ecs/cloudwatch-metrics';
import { StepFailure } from '../../../electron/engine/step-failure';
import { classifyAwsError, isAuthError, isNetworkError, withNetworkRetry } from '../../../electron/engine/aws/aws-errors';
import { deploymentFor } from '../../../electron/engine/targets/ecs/ecs-steps';
import { crashLine, crashOf, describeStoppedTask, toStoppedTask } from '../../../electron/engine/aws/stopped-tasks';

// What DescribeTasks returns on real ECS for an OOM-killed essential container.
const oomTask: Task = {
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0f9a8b7c6d5e',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/berth-app:7',
  group: 'service:berth-app',
  lastStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
  stoppedAt: new Date('2026-11-21T10:00:00Z'),
  containers: [
    { name: 'log-router', exitCode: 0 },
    { name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
  ],
};

describe('stopped tasks', () => {
  it('an OOM-killed container with exit 137 gives [CRASH] exit=137 oom=true', () => {
    const stopped = toStoppedTask(oomTask);
    expect(crashLine(crashOf(stopped, 'app'))).toBe('[CRASH] exit=137 oom=true');
    expect(isCrash(stopped, 'app')).toBe(true);
    expect(describeStoppedTask(stopped)).toContain('stopCode=EssentialContainerExited');
    expect(describeStoppedTask(stopped)).toContain('container app exit=137 reason="OutOfMemoryError: Container killed due to memory usage"');
  });

  it('an app that exits 1 is a crash without oom; a task replaced by a deployment is not a crash', () => {
    const exited = toStoppedTask({ ...oomTask, containers: [{ name: 'app', exitCode: 1 }] });
    expect(crashLine(crashOf(exited, 'app'))).toBe('[CRASH] exit=1 oom=false');
    expect(isCrash(exited, 'app')).toBe(true);
    const replaced = toStoppedTask({
      ...oomTask,
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/123)',
      containers: [{ name: 'app', exitCode: 143 }],
    });
    expect(isCrash(replaced, 'app')).toBe(false);
    const userStopped = toStoppedTask({ ...oomTask, stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user', containers: [{ name: 'app', exitCode: 137 }] });
    expect(isCrash(userStopped, 'app')).toBe(false);
  });

  it('a task that never started reports no exit code as unknown', () => {
    const failed = toStoppedTask({ ...oomTask, stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied', containers: [{ name: 'app' }] });
    expect(crashLine(crashOf(failed, 'app'))).toBe('[CRASH] exit=unknown oom=false');
    expect(isCrash(failed, 'app')).toBe(true);
  });
});

describe('CloudWatch metrics', () => {
  it('scales CPUUtilization by the task CPU units and memory by the reservation, one sample per minute', () => {
    const t0 = new Date('2026-11-21T10:00:00Z');
    const t1 = new Date('2026-11-21T10:01:00Z');
    const samples = toSamples(
      'dep_1',
      [
        { Id: 'cpu', Timestamps: [t0, t1], Values: [50, 100] },
        { Id: 'memory', Timestamps: [t0], Values: [25] },
      ],
      2048,
      1024,
    );
    expect(samples).toEqual([
      { deploymentId: 'dep_1', sampledAt: t0.getTime(), cpuPct: 100, memUsedMb: 256, memLimitMb: 1024 },
      // Memory missing for a minute: carried from the previous one rather than charted as 0.
      { deploymentId: 'dep_1', sampledAt: t1.getTime(), cpuPct: 200, memUsedMb: 256, memLimitMb: 1024 },
    ]);
  });
});

describe('AWS errors', () => {
  const named = (name: string, status?: number) => Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

  it('sorts credential, network and other errors', () => {
    expect(isAuthError(named('InvalidClientTokenId', 403))).toBe(true);
    expect(isAuthError(named('CredentialsProviderError'))).toBe(true);
    expect(isNetworkError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isNetworkError(new Error('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isNetworkError(named('ThrottlingException', 400))).toBe(true);
    expect(isNetworkError(named('ServiceNotFoundException', 400))).toBe(false);
    expect(classifyAwsError(named('AccessDeniedException', 403), 'ECS UpdateService')?.code).toBe('AUTHENTICATION_FAILED');
    expect(classifyAwsError(named('InternalFailure', 500), 'ECS UpdateService')?.code).toBe('INFRASTRUCTURE_NETWORK_FAILURE');
    expect(classifyAwsError(named('InvalidParameterException', 400), 'ECS UpdateService')).toBeUndefined();
  });

  it('retries network failures with backoff, logging each retry, then gives INFRASTRUCTURE_NETWORK_FAILURE', async () => {
    const lines: string[] = [];
    let calls = 0;
    const failing = withNetworkRetry(
      async () => {
        calls += 1;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      },
      { what: 'ECS DescribeServices', attempts: 3, baseDelayMs: 1, log: (text) => lines.push(text) },
    );
    await expect(failing).rejects.toMatchObject({ code: 'INFRASTRUCTURE_NETWORK_FAILURE' });
    await expect(failing).rejects.toBeInstanceOf(StepFailure);
    expect(calls).toBe(3);
    expect(lines).toEqual([
      'ECS DescribeServices failed with a network error (connect ECONNREFUSED 127.0.0.1:1); retry 1 of 2 in 1 ms',
      'ECS DescribeServices failed with a network error (connect ECONNREFUSED 127.0.0.1:1); retry 2 of 2 in 2 ms',
    ]);

    let flaky = 0;
    const value = await withNetworkRetry(
      async () => {
        flaky += 1;
        if (flaky === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return 'ok';
      },
      { what: 'STS GetCallerIdentity', baseDelayMs: 1, log: () => undefined },
    );
    expect(value).toBe('ok');

    // Credentials are never retried.
    let denied = 0;
    await expect(
      withNetworkRetry(
        async () => {
          denied += 1;
          throw named('InvalidClientTokenId', 403);
        },
        { what: 'STS GetCallerIdentity', baseDelayMs: 1, log: () => undefined },
      ),
    ).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    expect(denied).toBe(1);
  });
});

describe('rollout bookkeeping', () => {
  it('follows the deployment of our task definition, or the primary one when the service already reports it', () => {
    const ours = 'arn:aws:ecs:us-east-1:1:task-definition/app:2';
    const old = 'arn:aws:ecs:us-east-1:1:task-definition/app:1';
    expect(
      deploymentFor({ taskDefinition: ours, deployments: [{ id: 'new', status: 'PRIMARY', taskDefinition: ours }, { id: 'old', status: 'ACTIVE', taskDefinition: old }] }, ours)?.id,
    ).toBe('new');
    expect(deploymentFor({ taskDefinition: ours, deployments: [{ id: 'only', status: 'PRIMARY', taskDefinition: old }] }, ours)?.id).toBe('only');
    expect(deploymentFor({ taskDefinition: old, deployments: [{ id: 'only', status: 'PRIMARY', taskDefinition: old }] }, ours)).toBeUndefined();
  });

  it('splits multi-line CloudWatch messages like the line assembler', () => {
    expect(splitMessage('one\r\ntwo\n')).toEqual(['one', 'two']);
    expect(splitMessage('single')).toEqual(['single']);
    expect(splitMessage('')).toEqual(['']);
  });
});
