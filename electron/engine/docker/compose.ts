// The Compose runner (docs/architecture.md, "Compose stacks"): Berth never reimplements Compose, it runs
// the real one. `docker compose` (the v2 plugin) when `docker compose version` works, else the standalone
// `docker-compose` (v1, Debian's 1.29, or a v2 binary). Output is streamed line by line, both streams.
// A stack's containers are found through the labels both generations set.
import { spawn } from 'node:child_process';
import type Dockerode from 'dockerode';
import { LineAssembler } from '../logs/line-assembler';
import type { StackService } from '../../../shared';
import { isDockerNotFound, withDockerTimeout } from './call';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** The Compose project of a deployment: `berth-dep_k3j9x0a1b2c4` (lower case, digits, `_` and `-` are valid). */
export const composeProjectName = (deploymentId: string): string => `berth-${deploymentId}`.toLowerCase();

export interface ComposeCommand {
  /** The program and the arguments before Compose's own: `docker compose` or `docker-compose`. */
  readonly program: string;
  readonly prefix: readonly string[];
  /** `docker compose` or `docker-compose`, for messages. */
  readonly label: string;
  /** The version it reports, e.g. `1.29.2` or `v2.27.0`. */
  readonly version: string;
  /** 1 for the Python docker-compose, 2 for the Go one (plugin or standalone). */
  readonly generation: 1 | 2;
  /**
   * Whether its builds use BuildKit: v2 and later do through the buildx plugin, and without it fall back to the
   * engine's classic builder, as v1 always does.
   */
  readonly buildkit: boolean;
}

export class ComposeMissingError extends Error {
  constructor() {
    super('Neither `docker compose` (the Compose plugin) nor `docker-compose` works on this machine. Install one (Debian: `apt-get install docker-compose`; or the docker-compose-plugin package), then deploy again.');
    this.name = 'ComposeMissingError';
  }
}

interface Probe {
  readonly code: number | null;
  readonly output: string;
}

function probe(program: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Probe> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', () => resolve({ code: null, output }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** `1.29.2` from "docker-compose version 1.29.2, build unknown", `v2.27.0` from "Docker Compose version v2.27.0". */
export function parseComposeVersion(output: string): string | null {
  return /version\s+v?(\d+\.\d+[^\s,]*)/i.exec(output)?.[1] ?? null;
}

let detected: Promise<ComposeCommand> | undefined;

/**
 * Which Compose this machine has, asked once per process (a failed probe is asked again next time).
 * `docker compose version` first: with the plugin installed it is what users run.
 */
export function composeCommand(env: NodeJS.ProcessEnv = process.env): Promise<ComposeCommand> {
  detected ??= (async () => {
    const plugin = await probe('docker', ['compose', 'version'], env);
    const pluginVersion = plugin.code === 0 ? parseComposeVersion(plugin.output) : null;
    const buildx = async (): Promise<boolean> => (await probe('docker', ['buildx', 'version'], env)).code === 0;
    if (pluginVersion) return { program: 'docker', prefix: ['compose'], label: 'docker compose', version: pluginVersion, generation: 2, buildkit: await buildx() };
    const standalone = await probe('docker-compose', ['version'], env);
    const version = standalone.code === 0 ? parseComposeVersion(standalone.output) : null;
    if (version) {
      const generation = version.startsWith('1.') ? 1 : 2;
      return { program: 'docker-compose', prefix: [], label: 'docker-compose', version, generation, buildkit: generation === 2 && (await buildx()) };
    }
    throw new ComposeMissingError();
  })();
  const attempt = detected;
  attempt.catch(() => {
    if (detected === attempt) detected = undefined;
  });
  return attempt;
}

export interface ComposeLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface ComposeRunOptions {
  /** The stack's Compose project (`-p`). */
  readonly project: string;
  /** The compose files (`-f`, in order). */
  readonly files: readonly string[];
  /** Relative paths in the files resolve from here (the user's project folder). */
  readonly projectDirectory: string;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  /** Each output line as it comes (trailing `\r` dropped, blank lines skipped). */
  readonly onLine?: (line: ComposeLine) => void;
}

export interface ComposeResult {
  readonly code: number | null;
  /** The last output lines (both streams), for a failure's message. */
  readonly tail: readonly ComposeLine[];
  /** All of stdout, for commands whose answer is their output (`config`, `ps -q`). */
  readonly stdout: string;
}

const TAIL_LINES = 40;

/** Runs `<compose> -p <project> -f … --project-directory … <args>`, streaming its lines; resolves with the exit code. */
export async function runCompose(args: readonly string[], options: ComposeRunOptions): Promise<ComposeResult> {
  const command = await composeCommand(options.env);
  const full = [...command.prefix, '-p', options.project, ...options.files.flatMap((file) => ['-f', file]), '--project-directory', options.projectDirectory, ...args];
  return new Promise((resolve, reject) => {
    // No TTY: v1 prints plain lines; v2 is asked for plain progress through its environment.
    const env = { ...(options.env ?? process.env), COMPOSE_INTERACTIVE_NO_CLI: '1', BUILDKIT_PROGRESS: 'plain', COMPOSE_ANSI: 'never', NO_COLOR: '1' };
    const child = spawn(command.program, full, { env, cwd: options.projectDirectory, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: ComposeLine[] = [];
    let stdout = '';
    const sink = (stream: 'stdout' | 'stderr') => {
      const assembler = new LineAssembler();
      const deliver = (lines: ReturnType<LineAssembler['push']>) => {
        for (const line of lines) {
          const text = line.text.replace(/\r$/, '');
          if (text.trim() === '') continue;
          const entry = { stream, text };
          tail.push(entry);
          if (tail.length > TAIL_LINES) tail.shift();
          options.onLine?.(entry);
        }
      };
      return {
        data: (chunk: Buffer) => {
          if (stream === 'stdout') stdout += chunk.toString('utf8');
          deliver(assembler.push(chunk));
        },
        end: () => deliver(assembler.end()),
      };
    };
    const out = sink('stdout');
    const err = sink('stderr');
    child.stdout.on('data', out.data);
    child.stderr.on('data', err.data);
    const abort = (): void => {
      child.kill('SIGTERM');
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', abort);
      reject(error);
    });
    child.once('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      out.end();
      err.end();
      resolve({ code, tail, stdout });
    });
  });
}

/** The stack's containers (any state), by Compose's project label. */
export async function stackContainers(docker: Dockerode, project: string): Promise<Dockerode.ContainerInfo[]> {
  return withDockerTimeout(docker.listContainers({ all: true, filters: { label: [`${COMPOSE_PROJECT_LABEL}=${project}`] } }), 'a container listing');
}

/** The service a container belongs to, from its labels. */
export const serviceOf = (labels: Readonly<Record<string, string>> | undefined): string | null => labels?.[COMPOSE_SERVICE_LABEL] ?? null;

/** The stack's services as Docker reports them now. */
/** What a stack's service is known as: its name, whether it is the public one, the container port it publishes. */
export interface KnownService {
  readonly name: string;
  readonly public: boolean;
  readonly containerPort: number | null;
}

export async function observeStack(docker: Dockerode, deploymentId: string, known: readonly KnownService[]): Promise<StackService[]> {
  const containers = await stackContainers(docker, composeProjectName(deploymentId));
  const services: StackService[] = [];
  for (const service of known) {
    const info = containers.find((container) => serviceOf(container.Labels) === service.name && container.State === 'running') ?? containers.find((container) => serviceOf(container.Labels) === service.name);
    if (!info) {
      services.push({ name: service.name, public: service.public, state: 'missing', health: null, containerId: null, image: null, imageId: null, hostPort: null, containerPort: service.containerPort, restarts: 0, exitCode: null });
      continue;
    }
    let inspected: Dockerode.ContainerInspectInfo;
    try {
      inspected = await withDockerTimeout(docker.getContainer(info.Id).inspect(), 'a container inspect');
    } catch (error) {
      if (!isDockerNotFound(error)) throw error;
      services.push({ name: service.name, public: service.public, state: 'missing', health: null, containerId: null, image: null, imageId: null, hostPort: null, containerPort: service.containerPort, restarts: 0, exitCode: null });
      continue;
    }
    const state = inspected.State;
    const health = state.Health?.Status;
    const ports = inspected.NetworkSettings.Ports ?? {};
    const firstPublished = Object.keys(ports).find((key) => ports[key]?.length);
    const containerPort = service.containerPort ?? (firstPublished ? Number(firstPublished.split('/')[0]) : null);
    const binding = containerPort ? ports[`${containerPort}/tcp`]?.[0] : undefined;
    services.push({
      name: service.name,
      public: service.public,
      state: state.Restarting ? 'restarting' : state.Running ? (health === 'starting' ? 'starting' : 'running') : 'exited',
      health: health === 'healthy' || health === 'unhealthy' || health === 'starting' ? health : null,
      containerId: info.Id,
      image: inspected.Config.Image,
      imageId: inspected.Image,
      hostPort: binding?.HostPort ? Number(binding.HostPort) : null,
      containerPort: Number.isFinite(containerPort) && containerPort ? containerPort : null,
      restarts: inspected.RestartCount,
      exitCode: state.Running ? null : state.ExitCode,
    });
  }
  return services.sort((a, b) => Number(b.public) - Number(a.public) || a.name.localeCompare(b.name));
}

