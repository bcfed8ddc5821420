import { InvalidArgumentError, type Command } from 'commander';
import type { Deployment } from '../../../shared';
import { clientFor, type ApiClient } from '../client';
import { printJson } from '../output';
import { followLogs } from '../follow-logs';
import { formatLine } from '../format-line';

function parseCount(name: string, max: number) {
  return (value: string): number => {
    const count = Number(value);
    if (!Number.isInteger(count) || count < 0 || count > max) throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${max} (got "${value}").`);
    return count;
  };
}

export function describeDeployment(deployment: Deployment): string {
  const rows: [string, string | number | null][] = [
    ['Deployment', deployment.id],
    ['Project', `${deployment.projectName} (${deployment.slug})`],
    ['Target', deployment.target],
    ['Status', deployment.status],
    ['Health', deployment.health],
    ['URL', deployment.publicUrl ?? (deployment.hostPort ? `http://127.0.0.1:${deployment.hostPort}` : null)],
    ['Host port', deployment.hostPort],
    ['Container', deployment.containerId ? deployment.containerId.slice(0, 12) : deployment.taskArn],
    ['Image', deployment.imageRef],
    ['Created', deployment.createdAt],
    ['Started', deployment.startedAt],
    ['Last exit code', deployment.lastExitCode],
  ];
  return rows.map(([label, value]) => `${`${label}:`.padEnd(16)}${value ?? '-'}`).join('\n');
}

export function registerDeploymentCommands(program: Command): void {
  program
    .command('status <deployment>')
    .description('show one deployment')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { client, options } = clientFor(command);
      const deployment = await client.call('getDeployment', { id });
      if (options.json) printJson(deployment);
      else process.stdout.write(`${describeDeployment(deployment)}\n`);
    });

  program
    .command('logs <deployment>')
    .description('print stored log lines (lineNo > since), or follow them live with -f')
    .option('--since <lineNo>', 'print lines after this lineNo', parseCount('--since', Number.MAX_SAFE_INTEGER), 0)
    .option('--limit <n>', 'at most this many lines (max 5000)', parseCount('--limit', 5000), 500)
    .option('-f, --follow', 'keep printing new lines as they arrive')
    .action(async (id: string, options: { since: number; limit: number; follow?: boolean }, command: Command) => {
      const { client, options: global } = clientFor(command);
      if (options.follow) return followLogs(client, id, options.since, global.json);
      const page = await client.call('getLogs', { id, since: options.since, limit: options.limit });
      if (global.json) return printJson(page);
      const color = Boolean(process.stdout.isTTY);
      for (const line of page.lines) process.stdout.write(`${formatLine(line, color)}\n`);
      return undefined;
    });

  program
    .command('stop <deployment>')
    .description('stop a deployment: status stopped at once, then SIGTERM, wait, SIGKILL, remove the container, release the port')
    .option('--no-wait', 'return as soon as the deployment reads stopped, while its container is still being removed')
    .action(async (id: string, options: { wait: boolean }, command: Command) => {
      const { client, options: global } = clientFor(command);
      let deployment = await client.call('stopDeployment', { id });
      if (options.wait) {
        if (!global.json) process.stdout.write(`Stopping ${deployment.projectName} (${deployment.id})…\n`);
        deployment = await untilTornDown(client, deployment);
      }
      if (global.json) printJson(deployment);
      else if (!options.wait) process.stdout.write(`Stopping ${deployment.projectName} (${deployment.id}): its container is removed in the background (\`berth logs ${deployment.id}\` shows each step).\n`);
      else process.stdout.write(`Stopped ${deployment.projectName} (${deployment.id}): container removed, port released.\n`);
    });
}

/** The stop answers at once; its sequence (SIGTERM, grace, SIGKILL, rm) ends when the row lets go of the container. */
async function untilTornDown(client: ApiClient, deployment: Deployment): Promise<Deployment> {
  let current = deployment;
  while (current.containerId !== null || current.taskArn !== null) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    current = await client.call('getDeployment', { id: deployment.id });
    if (current.status !== 'stopped') break; // deployed again meanwhile: nothing left to wait for
  }
  return current;
}
