import { InvalidArgumentError, type Command } from 'commander';
import { LOG_LEVELS, LOG_STREAMS, type Deployment, type LogLevel, type LogLine, type LogStream, type Project } from '../../../shared';
import { clientFor, type ApiClient } from '../client';
import { CliError, printJson } from '../output';
import { followLogs } from '../follow-logs';
import { grepLogs } from '../grep-logs';
import { formatLine } from '../format-line';
import { serviceTable } from '../stack-services';

function parseCount(name: string, max: number) {
  return (value: string): number => {
    const count = Number(value);
    if (!Number.isInteger(count) || count < 0 || count > max) throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${max} (got "${value}").`);
    return count;
  };
}

/** A comma list of known words (`--stream stdout,stderr`, `--level error,fatal`). */
function parseList<T extends string>(flag: string, known: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = value.split(',').map((item) => item.trim());
    const unknown = items.filter((item) => !(known as readonly string[]).includes(item));
    if (unknown.length > 0 || items.length === 0) throw new InvalidArgumentError(`${flag} takes a comma list of ${known.join(', ')} (got "${value}").`);
    return items as T[];
  };
}

interface LogsOptions {
  since: number;
  limit: number;
  follow?: boolean;
  grep?: string;
  regex?: boolean;
  caseSensitive?: boolean;
  exclude?: boolean;
  context?: number;
  stream?: LogStream[];
  level?: LogLevel[];
  service?: string[];
}

/** `--service web,worker`: a Compose stack's service names (the engine checks them as it checks the API's). */
function parseServices(value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new InvalidArgumentError(`--service takes a comma list of a stack's service names, e.g. web,worker (got "${value}").`);
  return names;
}

/** `project`: for an S3 deployment, its bucket and prefix are shown too. */
export function describeDeployment(deployment: Deployment, project?: Pick<Project, 'settings'>): string {
  const s3 = deployment.target === 's3' ? project?.settings.s3 : undefined;
  const rows: [string, string | number | null][] = [
    ['Deployment', deployment.id],
    ['Project', `${deployment.projectName} (${deployment.slug})`],
    ['Target', deployment.target],
    ['Status', deployment.status],
    ['Health', deployment.health],
    ['URL', deployment.publicUrl ?? (deployment.hostPort ? `http://127.0.0.1:${deployment.hostPort}` : null)],
    ...(deployment.target === 's3'
      ? ([
          ['Bucket', s3?.bucket ?? null],
          ['Prefix', s3 ? (s3.prefix ?? '(bucket root)') : null],
          ['Site files', deployment.imageRef],
        ] as [string, string | null][])
      : ([
          ['Host port', deployment.hostPort],
          ['Container', deployment.containerId ? deployment.containerId.slice(0, 12) : deployment.taskArn],
          ['Image', deployment.imageRef],
        ] as [string, string | number | null][])),
    ['Created', deployment.createdAt],
    ['Started', deployment.startedAt],
    ['Last exit code', deployment.lastExitCode],
  ];
  const described = rows.map(([label, value]) => `${`${label}:`.padEnd(16)}${value ?? '-'}`).join('\n');
  // A Compose stack: its services under the deployment (* marks the public one).
  return deployment.services && deployment.services.length > 0 ? `${described}\nServices:\n${serviceTable(deployment.services)}` : described;
}

/**
 * `berth logs --service` without --grep: the engine pages only those services' lines (filter mode's paging: a
 * page may stop at its work bound, `truncated`, and the next goes on from `scannedTo`); with -f, live lines of
 * those services follow.
 */
async function serviceLogs(client: ApiClient, id: string, services: readonly string[], options: LogsOptions, json: boolean): Promise<void> {
  const color = Boolean(process.stdout.isTTY);
  const lines: LogLine[] = [];
  let since = options.since;
  let page;
  do {
    page = await client.call('getLogs', { id, since, limit: Math.min(5000, options.follow ? 5000 : options.limit - lines.length), service: services.join(',') });
    lines.push(...page.lines);
    if (!json || options.follow) for (const line of page.lines) process.stdout.write(json ? `${JSON.stringify(line)}\n` : `${formatLine(line, color)}\n`);
    since = page.scannedTo ?? page.lastLineNo;
  } while (page.truncated && (options.follow || lines.length < options.limit));
  if (json && !options.follow) return printJson({ lines, lastLineNo: page.lastLineNo, scannedTo: since, truncated: page.truncated ?? false });
  if (!options.follow) return;
  await followLogs(client, id, since, json, (line) => {
    if (line.service === undefined || !services.includes(line.service)) return;
    process.stdout.write(json ? `${JSON.stringify(line)}\n` : `${formatLine(line, color)}\n`);
  });
}

export function registerDeploymentCommands(program: Command): void {
  program
    .command('status <deployment>')
    .description('show one deployment')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { client, options } = clientFor(command);
      const deployment = await client.call('getDeployment', { id });
      if (options.json) printJson(deployment);
      else process.stdout.write(`${describeDeployment(deployment, deployment.target === 's3' ? await client.call('getProject', { id: deployment.projectId }) : undefined)}\n`);
    });

  program
    .command('logs <deployment>')
    .description('print stored log lines (lineNo > since), or follow them live with -f; --grep keeps only the lines a filter keeps')
    .option('--since <lineNo>', 'print lines after this lineNo', parseCount('--since', Number.MAX_SAFE_INTEGER), 0)
    .option('--limit <n>', 'at most this many lines (max 5000); with --grep, this many kept lines, context aside', parseCount('--limit', 5000), 500)
    .option('-f, --follow', 'keep printing new lines as they arrive')
    .option('--grep <filter>', 'only the lines this filter keeps, from the whole history: text terms (all must occur; quote a phrase), field terms for JSON lines (level:error, status>=500, user.id=42, msg~"timeout"), or with --regex one RE2 pattern')
    .option('--regex', 'with --grep: the filter is one RE2 pattern')
    .option('--case-sensitive', 'with --grep: match text with case')
    .option('--exclude', 'with --grep: keep the lines that do not match instead')
    .option('--context <n>', 'with --grep: show n lines before and after each kept line (0-50)', parseCount('--context', 50))
    .option('--stream <list>', 'with --grep: only these streams, a comma list of stdout, stderr, system', parseList('--stream', LOG_STREAMS))
    .option('--level <list>', `with --grep: only lines of these levels, a comma list of ${LOG_LEVELS.join(', ')}`, parseList('--level', LOG_LEVELS))
    .option('--service <list>', "a Compose stack: only these services' lines, a comma list (web,worker)", parseServices)
    .action(async (id: string, options: LogsOptions, command: Command) => {
      const { client, options: global } = clientFor(command);
      const grepOnly = (['regex', 'caseSensitive', 'exclude', 'context', 'stream', 'level'] as const).filter((name) => options[name] !== undefined);
      if (options.grep === undefined && grepOnly.length > 0) {
        throw new CliError(`${grepOnly.map((name) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(', ')} only apply with --grep <filter>.`, 2, 'VALIDATION_FAILED');
      }
      if (options.grep !== undefined) {
        return grepLogs(
          client,
          id,
          {
            grep: options.grep,
            regex: options.regex ?? false,
            caseSensitive: options.caseSensitive ?? false,
            exclude: options.exclude ?? false,
            context: options.context ?? 0,
            streams: options.stream,
            levels: options.level,
            services: options.service,
            since: options.since,
            limit: options.limit,
            follow: options.follow ?? false,
          },
          global.json,
        );
      }
      if (options.service) return serviceLogs(client, id, options.service, options, global.json);
      if (options.follow) return followLogs(client, id, options.since, global.json);
      const page = await client.call('getLogs', { id, since: options.since, limit: options.limit });
      if (global.json) return printJson(page);
      const color = Boolean(process.stdout.isTTY);
      for (const line of page.lines) process.stdout.write(`${formatLine(line, color)}\n`);
      return undefined;
    });

  program
    .command('stop <deployment>')
    .description('stop a deployment: status stopped at once, then SIGTERM, wait, SIGKILL, remove the container, release the port (a Compose stack: down)')
    .option('--no-wait', 'return as soon as the deployment reads stopped, while its container is still being removed')
    .option('--remove-volumes', "a Compose stack: also remove its named volumes (down --volumes); without it, the project's settings.compose.removeVolumesOnStop decides")
    .action(async (id: string, options: { wait: boolean; removeVolumes?: boolean }, command: Command) => {
      const { client, options: global } = clientFor(command);
      let deployment = await client.call('stopDeployment', { id, ...(options.removeVolumes ? { removeVolumes: 'true' as const } : {}) });
      const stack = deployment.services !== null && deployment.services !== undefined;
      if (options.wait) {
        if (!global.json) process.stdout.write(`Stopping ${deployment.projectName} (${deployment.id})…\n`);
        deployment = await untilTornDown(client, deployment);
      }
      const removed = stack ? `Compose took the stack down: containers and network removed${options.removeVolumes ? ', named volumes too' : ''}` : 'container removed, port released';
      if (global.json) printJson(deployment);
      else if (!options.wait) process.stdout.write(`Stopping ${deployment.projectName} (${deployment.id}): its ${stack ? 'containers are' : 'container is'} removed in the background (\`berth logs ${deployment.id}\` shows each step).\n`);
      else process.stdout.write(`Stopped ${deployment.projectName} (${deployment.id}): ${removed}.\n`);
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
