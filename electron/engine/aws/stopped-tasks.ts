// Stopped tasks of a service, as the verify diagnostics and the crash watcher both read them.
import { DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import type { AwsClients } from './aws-clients';

export interface StoppedContainer {
  readonly name: string;
  readonly exitCode: number | null;
  readonly reason: string | null;
}

export interface StoppedTask {
  readonly taskArn: string;
  readonly taskDefinitionArn: string | null;
  readonly stoppedAt: number | null;
  readonly stopCode: string | null;
  readonly stoppedReason: string | null;
  readonly containers: readonly StoppedContainer[];
}

export interface Crash {
  readonly exitCode: number | null;
  readonly oom: boolean;
}

export function toStoppedTask(task: Task): StoppedTask {
  return {
    taskArn: task.taskArn ?? '',
    taskDefinitionArn: task.taskDefinitionArn ?? null,
    stoppedAt: task.stoppedAt ? task.stoppedAt.getTime() : null,
    stopCode: task.stopCode ?? null,
    stoppedReason: task.stoppedReason || null,
    containers: (task.containers ?? []).map((container) => ({
      name: container.name ?? '',
      exitCode: container.exitCode ?? null,
      reason: container.reason || null,
    })),
  };
}

/**
 * What a stopped task means for the app: the exit code of its container (the named one, else the
 * first with a code) and whether memory killed it. ECS reports OOM kills as `OutOfMemoryError` in
 * the container reason or the task's stopped reason.
 */
export function crashOf(task: StoppedTask, containerName?: string): Crash {
  const container = task.containers.find((candidate) => candidate.name === containerName) ?? task.containers.find((candidate) => candidate.exitCode !== null) ?? task.containers[0];
  const texts = [task.stoppedReason, ...task.containers.map((candidate) => candidate.reason)];
  const oom = texts.some((text) => text !== null && /OutOfMemoryError|OOMKilled|out of memory/i.test(text));
  return { exitCode: container?.exitCode ?? null, oom };
}

/** `[CRASH] exit=<code> oom=<bool>`, the same line the Docker watcher writes. */
export function crashLine(crash: Crash): string {
  return `[CRASH] exit=${crash.exitCode ?? 'unknown'} oom=${crash.oom}`;
}

export function describeStoppedTask(task: StoppedTask): string {
  const parts = [`stopped task ${task.taskArn.split('/').pop()}`];
  if (task.stopCode) parts.push(`stopCode=${task.stopCode}`);
  if (task.stoppedReason) parts.push(`reason="${task.stoppedReason}"`);
  for (const container of task.containers) {
    parts.push(`container ${container.name} exit=${container.exitCode ?? 'none'}${container.reason ? ` reason="${container.reason}"` : ''}`);
  }
  return parts.join('; ');
}

/**
 * Stopped tasks that belong to the service. ListTasks' serviceName filter is applied again on the
 * task's group (`service:<name>`), which is what ECS sets for service tasks.
 */
export async function listStoppedTasks(clients: AwsClients, cluster: string, service: string, limit = 20): Promise<StoppedTask[]> {
  const listed = await clients.ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: Math.min(limit, 100) }));
  const arns = listed.taskArns ?? [];
  if (arns.length === 0) return [];
  const described = await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100) }));
  return (described.tasks ?? [])
    .filter((task) => task.group === undefined || task.group === `service:${service}`)
    .map(toStoppedTask)
    .sort((a, b) => (a.stoppedAt ?? 0) - (b.stoppedAt ?? 0));
}
