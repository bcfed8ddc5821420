import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { z } from 'zod';
import { TARGETS, type EcsSettings, type Project, type S3Settings, type Target } from '../../../shared';
import { BASE_IMAGE_ROLES, scanOverridesSchema, type BaseImageRole, type ScanOverrides } from '../../../shared/scan';
import { scanSummary } from '../../../shared/scan-summary';
import { clientFor, type ApiClient } from '../client';
import { printJson, printTable } from '../output';
import { registerCredentialsCommand } from './credentials';
import { serviceTable } from '../stack-services';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new InvalidArgumentError(`must be a whole number from 1 to 65535 (got "${value}").`);
  return port;
}

function parseHealthPath(value: string): string {
  if (!value.startsWith('/')) throw new InvalidArgumentError(`must be a path that starts with "/", e.g. /health (got "${value}").`);
  return value;
}

/** A flag checked with the engine's own rule for that setting, so a mistake is caught before the call (exit 2). */
function parseWith(schema: z.ZodType<string | undefined>): (value: string) => string {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(`${parsed.error.issues[0]?.message ?? 'is not valid'} (got "${value}").`);
    return value;
  };
}

/** `--base-image node=node:22-slim`, once per role. */
function parseBaseImage(value: string, previous: Partial<Record<BaseImageRole, string>> = {}): Partial<Record<BaseImageRole, string>> {
  const equals = value.indexOf('=');
  const role = value.slice(0, equals);
  const image = value.slice(equals + 1);
  if (equals < 1 || !(BASE_IMAGE_ROLES as readonly string[]).includes(role)) {
    throw new InvalidArgumentError(`must be <role>=<image> with a role among ${BASE_IMAGE_ROLES.join(', ')}, e.g. node=node:22-slim (got "${value}").`);
  }
  const checked = scanOverridesSchema.shape.baseImages.unwrap().safeParse({ [role]: image });
  if (!checked.success) throw new InvalidArgumentError(`${role}: ${checked.error.issues[0]?.message ?? 'is not an image reference'} (got "${image}").`);
  return { ...previous, [role]: image };
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
  buildCommand?: string;
  startCommand?: string;
  outputDir?: string;
  runtimeVersion?: string;
  baseImage?: Partial<Record<BaseImageRole, string>>;
  region?: string;
  profile?: string;
  cluster?: string;
  service?: string;
  repository?: string;
  registryHost?: string;
  publicUrl?: string;
  createService?: boolean;
  bucket?: string;
  prefix?: string;
  indexDocument?: string;
  errorDocument?: string;
  createBucket?: boolean;
}

/** The S3 block from the flags given; the engine validates it (a missing --bucket is named as settings.s3.bucket). */
function s3SettingsFrom(options: AddOptions): S3Settings {
  const { bucket, prefix, region, profile, publicUrl, createBucket, indexDocument, errorDocument } = options;
  const website = indexDocument !== undefined ? { indexDocument, ...(errorDocument !== undefined ? { errorDocument } : {}) } : undefined;
  return Object.fromEntries(Object.entries({ bucket, prefix, region, profile, publicUrl, createBucket, website }).filter(([, value]) => value !== undefined)) as S3Settings;
}

/** `s3://bucket/prefix` for an S3 project, else null. */
export function s3Location(project: Pick<Project, 'target' | 'settings'>): string | null {
  const s3 = project.settings.s3;
  if (project.target !== 's3' || !s3) return null;
  const prefix = (s3.prefix ?? '').replace(/^\/+|\/+$/g, '');
  return `s3://${s3.bucket}/${prefix === '' ? '' : `${prefix}/`}`;
}

/** The ECS block from the flags given; the engine validates it like any other input. */
function ecsSettingsFrom(options: AddOptions): EcsSettings {
  const { region, profile, cluster, service, repository, registryHost, publicUrl, createService } = options;
  return Object.fromEntries(
    Object.entries({ region, profile, cluster, service, repository, registryHost, publicUrl, createService }).filter(([, value]) => value !== undefined),
  ) as EcsSettings;
}

/** The build overrides from the flags given; none means Berth uses what the scan detects. */
function buildSettingsFrom(options: AddOptions): Omit<ScanOverrides, 'image'> | undefined {
  const { buildCommand, startCommand, outputDir, runtimeVersion, baseImage } = options;
  const build = Object.fromEntries(Object.entries({ buildCommand, startCommand, outputDir, runtimeVersion, baseImages: baseImage }).filter(([, value]) => value !== undefined));
  return Object.keys(build).length > 0 ? build : undefined;
}

/** One line on what Berth will build, so a folder it cannot deploy is known now rather than at the first deploy. */
async function printDetected(client: ApiClient, projectId: string): Promise<void> {
  try {
    const scan = await client.call('getProjectScan', { id: projectId });
    if (scan.refusal) process.stdout.write(`Berth cannot deploy it as it is yet: ${scan.refusal.message}\n`);
    else process.stdout.write(`Detected: ${scanSummary(scan)} (\`berth scan ${scan.sourceDir}\` shows why).\n`);
  } catch {
    // The project is added; the scan is only a preview, and the deploy will scan again.
  }
}

export function registerProjectCommands(program: Command): void {
  const projects = program.command('projects').description('add, list and remove projects');

  projects
    .command('add <dir>')
    .description('add the project in <dir>')
    .option('--name <name>', 'display name (default: the folder name)')
    .option('--target <target>', 'docker, ecs or s3 (a static site published to a bucket)', parseTarget, 'docker' as Target)
    .option('--port <port>', 'the port the app listens on inside its container (default: what the scan finds, else 8080)', parsePort)
    .option('--host-port <port>', 'a fixed port on 127.0.0.1 (default: a free one)', parsePort)
    .option('--health <path>', "health check path, 2xx or 3xx counts (default: the route the scan finds, else: the app answers HTTP)", parseHealthPath)
    .option('--build-command <command>', 'zero-config: the build command instead of the detected one', parseWith(scanOverridesSchema.shape.buildCommand))
    .option('--start-command <command>', 'zero-config: the start command instead of the detected one', parseWith(scanOverridesSchema.shape.startCommand))
    .option('--output-dir <dir>', "zero-config: the folder a static build writes, inside the project's folder", parseWith(scanOverridesSchema.shape.outputDir))
    .option('--runtime-version <version>', 'zero-config: the Node, Python or Go version, e.g. 22, 3.12, 1.22', parseWith(scanOverridesSchema.shape.runtimeVersion))
    .option('--base-image <role=image>', `zero-config: an image a generated Dockerfile starts FROM, per role (${BASE_IMAGE_ROLES.join(', ')}); repeat for several`, parseBaseImage)
    .option('--region <region>', 'ECS and S3: AWS region')
    .option('--profile <profile>', 'ECS and S3: AWS profile name (Berth stores the name, never keys)')
    .option('--cluster <cluster>', 'ECS: cluster name')
    .option('--service <service>', 'ECS: service name')
    .option('--repository <repository>', 'ECS: image repository name')
    .option('--registry-host <host>', 'ECS: registry host to push to (default: the ECR registry)')
    .option('--public-url <url>', 'ECS: the URL verify and health probes use; S3: the CDN or domain in front of the bucket')
    .option('--create-service', 'ECS: create the service on the first deploy when it does not exist')
    .option('--bucket <bucket>', 'S3: the bucket the site is published to')
    .option('--prefix <prefix>', 'S3: the folder in the bucket (default: its root)')
    .option('--index-document <name>', 'S3: turn on website hosting with this index document, e.g. index.html')
    .option('--error-document <key>', 'S3: the website error document under the prefix, e.g. 404.html')
    .option('--create-bucket', 'S3: create the bucket on the first deploy when it does not exist')
    .action(async (dir: string, options: AddOptions, command: Command) => {
      const { client, options: global } = clientFor(command);
      const sourceDir = resolve(dir);
      const build = buildSettingsFrom(options);
      const project = await client.call('createProject', {
        name: options.name ?? sourceDir.split('/').filter(Boolean).at(-1) ?? 'project',
        sourceDir,
        target: options.target,
        settings: {
          ...(options.health !== undefined ? { healthPath: options.health } : {}),
          ...(options.port !== undefined ? { port: options.port } : {}),
          ...(build ? { build } : {}),
          ...(options.hostPort !== undefined ? { hostPort: options.hostPort } : {}),
          ...(options.target === 'ecs' ? { ecs: ecsSettingsFrom(options) } : {}),
          ...(options.target === 's3' ? { s3: s3SettingsFrom(options) } : {}),
        },
      });
      if (global.json) return printJson(project);
      process.stdout.write(`Added ${project.name} (${project.slug}, ${project.target}) from ${project.sourceDir}. Deploy it with \`berth deploy ${project.slug}\`.\n`);
      await printDetected(client, project.id);
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
    process.stdout.write('No projects yet. Add one with `berth projects add <dir>`.\n');
    return;
  }
  printTable(
    ['PROJECT', 'TARGET', 'DEPLOYMENT', 'STATUS', 'HEALTH', 'URL'],
    rows.map((row) => {
      const deployment = row.deployments[0];
      const location = s3Location(row);
      return [
        row.slug,
        location ? `s3 ${location}` : row.target,
        deployment?.id ?? '-',
        deployment?.status ?? 'pending',
        deployment?.health ?? '-',
        deployment?.publicUrl ?? (deployment?.hostPort ? `http://127.0.0.1:${deployment.hostPort}` : '-'),
      ];
    }),
  );
  // A Compose stack's services, under the table: one block per stack (* marks the public service).
  for (const row of rows) {
    const services = row.deployments[0]?.services;
    if (services && services.length > 0) process.stdout.write(`\n${row.slug} services:\n${serviceTable(services)}\n`);
  }
}
