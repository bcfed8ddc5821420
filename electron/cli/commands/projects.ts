import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { TARGETS, type EcsSettings, type Project, type Target } from '../../../shared';
import { clientFor } from '../client';
import { printJson, printTable } from '../output';
import { registerCredentialsCommand } from './credentials';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new InvalidArgumentError(`must be a whole number from 1 to 65535 (got "${value}").`);
  return port;
}

function parseTarget(value: string): Target {
  if (!(TARGETS as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${TARGETS.join(', ')} (got "${value}").`);
  return value as Target;
}

interface AddOptions {
  name?: string;
  target: Target;
  port?: number;
  hostPort?: number;
  health?: string;
  region?: string;
  profile?: string;
  cluster?: string;
  service?: string;
  repository?: string;
  registryHost?: string;
  publicUrl?: string;
  createService?: boolean;
}

/** The ECS block from the flags given; the engine validates it like any other input. */
function ecsSettingsFrom(options: AddOptions): EcsSettings {
  const { region, profile, cluster, service, repository, registryHost, publicUrl, createService } = options;
  return Object.fromEntries(
    Object.entries({ region, profile, cluster, service, repository, registryHost, publicUrl, createService }).filter(([, value]) => value !== undefined),
  ) as EcsSettings;
}

export function registerProjectCommands(program: Command): void {
  const projects = program.command('projects').description('add, list and remove projects');

  projects
    .command('add <dir>')
    .description('add the project in <dir>')
    .option('--name <name>', 'display name (default: the folder name)')
    .option('--target <target>', 'docker or ecs', parseTarget, 'docker' as Target)
    .option('--port <port>', 'the port the app listens on inside its container (default: what the scan finds, else 8080)', parsePort)
    .option('--host-port <port>', 'a fixed port on 127.0.0.1 (default: a free one)', parsePort)
    .option('--health <path>', 'health check path, 2xx or 3xx counts (default: the route the scan finds)')
    .option('--region <region>', 'ECS: AWS region')
    .option('--profile <profile>', 'ECS: AWS profile name (Berth stores the name, never keys)')
    .option('--cluster <cluster>', 'ECS: cluster name')
    .option('--service <service>', 'ECS: service name')
    .option('--repository <repository>', 'ECS: image repository name')
    .option('--registry-host <host>', 'ECS: registry host to push to (default: the ECR registry)')
    .option('--public-url <url>', 'ECS: the URL verify and health probes use')
    .option('--create-service', 'ECS: create the service on the first deploy when it does not exist')
    .action(async (dir: string, options: AddOptions, command: Command) => {
      const { client, options: global } = clientFor(command);
      const sourceDir = resolve(dir);
      const project = await client.call('createProject', {
        name: options.name ?? sourceDir.split('/').filter(Boolean).at(-1) ?? 'project',
        sourceDir,
        target: options.target,
        settings: {
          ...(options.health !== undefined ? { healthPath: options.health } : {}),
          ...(options.port !== undefined ? { port: options.port } : {}),
          ...(options.hostPort !== undefined ? { hostPort: options.hostPort } : {}),
          ...(options.target === 'ecs' ? { ecs: ecsSettingsFrom(options) } : {}),
        },
      });
      if (global.json) printJson(project);
      else process.stdout.write(`Added ${project.name} (${project.slug}, ${project.target}) from ${project.sourceDir}. Deploy it with \`berth deploy ${project.slug}\`.\n`);
    });

  projects
    .command('ls')
    .description('list projects')
    .action(async (_options: unknown, command: Command) => listProjects(command));

  projects
    .command('rm <project>')
    .description('remove a project (stops its deployments first)')
    .action(async (reference: string, _options: unknown, command: Command) => {
      const { client, options: global } = clientFor(command);
      const result = await client.call('deleteProject', { id: reference });
      if (global.json) printJson(result);
      else process.stdout.write(`Removed ${reference}.\n`);
    });

  registerCredentialsCommand(projects);

  program
    .command('ls')
    .description('list projects and the status of their deployments')
    .action(async (_options: unknown, command: Command) => listProjects(command));
}

async function listProjects(command: Command): Promise<void> {
  const { client, options } = clientFor(command);
  const [projects, deployments] = await Promise.all([client.call('listProjects', {}), client.call('listDeployments', {})]);
  const rows = projects.map((project: Project) => ({ ...project, deployments: deployments.filter((deployment) => deployment.projectId === project.id) }));
  if (options.json) return printJson(rows);
  if (rows.length === 0) {
    process.stdout.write('No projects yet. Add one with `berth projects add <dir> --name <name>`.\n');
    return;
  }
  printTable(
    ['PROJECT', 'TARGET', 'DEPLOYMENT', 'STATUS', 'HEALTH', 'URL'],
    rows.map((row) => {
      const deployment = row.deployments[0];
      return [
        row.slug,
        row.target,
        deployment?.id ?? '-',
        deployment?.status ?? 'pending',
        deployment?.health ?? '-',
        deployment?.publicUrl ?? (deployment?.hostPort ? `http://127.0.0.1:${deployment.hostPort}` : '-'),
      ];
    }),
  );
}
