// A stack's compose file as Berth reads and rewrites it (docs/product-rules.md, "Compose stacks"). Pure:
// the normalised config comes from `<compose> config` (Compose validates, interpolates and resolves paths;
// Berth never reimplements that), the user's own text only gives line numbers for evidence.
//
// Why a whole file and not an override on top of the user's: Compose (v1 and v2 without `!reset`)
// concatenates `ports` across files, so an override cannot take a 0.0.0.0 binding away. Berth writes the
// normalised config with its changes into its data dir and runs Compose with that file alone (and the
// user's folder as the project directory); the user's file is never written.
import { LineCounter, parseDocument, stringify } from 'yaml';
import { berthLabels } from '../../docker/labels';

/** One service of the normalised config, as far as Berth needs it. */
export interface ComposeService {
  readonly name: string;
  /** The absolute build context when the service is built. */
  readonly buildContext: string | null;
  /** The image the file names (pulled when there is no build, the build's tag otherwise). */
  readonly image: string | null;
  /** Published ports: container port, host port (null: ephemeral), protocol. */
  readonly ports: readonly PublishedPort[];
  readonly hasHealthcheck: boolean;
  /** The compose file's `restart`, if it sets one. */
  readonly restart: string | null;
}

export interface PublishedPort {
  readonly target: number;
  readonly published: string | null;
  readonly hostIp: string | null;
  readonly protocol: string;
}

export type ComposeConfig = Record<string, unknown> & { services: Record<string, Record<string, unknown>> };

export class ComposeFileError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
    this.name = 'ComposeFileError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses `config`'s output (YAML). */
export function parseComposeConfig(text: string): ComposeConfig {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new ComposeFileError(`Compose's normalised config did not parse: ${document.errors[0]!.message}`, null);
  const value: unknown = document.toJS();
  if (!isRecord(value) || !isRecord(value.services) || Object.keys(value.services).length === 0) throw new ComposeFileError('the compose file defines no services', null);
  return value as ComposeConfig;
}

/** One `ports` entry, long or short syntax, as both Compose generations print it. */
export function parsePort(entry: unknown): PublishedPort | null {
  if (isRecord(entry)) {
    const target = Number(entry.target);
    if (!Number.isInteger(target)) return null;
    const published = entry.published === undefined || entry.published === null || entry.published === '' ? null : String(entry.published);
    return { target, published, hostIp: typeof entry.host_ip === 'string' && entry.host_ip !== '' ? entry.host_ip : null, protocol: typeof entry.protocol === 'string' ? entry.protocol : 'tcp' };
  }
  if (typeof entry !== 'string' && typeof entry !== 'number') return null;
  const [spec, protocol = 'tcp'] = String(entry).split('/');
  const parts = spec!.split(':');
  // ip:host:container, host:container, container (an IPv6 address in brackets is kept whole by the split's end).
  const target = Number(parts.at(-1));
  if (!Number.isInteger(target)) return null;
  const published = parts.length >= 2 && parts.at(-2) !== '' ? parts.at(-2)! : null;
  const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') || null : null;
  return { target, published, hostIp, protocol };
}

/** Services `up` starts: not behind an inactive profile (COMPOSE_PROFILES), not scaled to 0 (inactiveServices says why). */
export function composeServices(config: ComposeConfig, activeProfiles: readonly string[] = [], generation: 1 | 2 = 1): ComposeService[] {
  return Object.entries(config.services)
    .filter(([, service]) => leftOutBecause(service, activeProfiles, generation) === null)
    .map(([name, service]) => {
      const build = service.build;
      const buildContext = typeof build === 'string' ? build : isRecord(build) && typeof build.context === 'string' ? build.context : null;
      const ports = Array.isArray(service.ports) ? service.ports.map(parsePort).filter((port): port is PublishedPort => port !== null) : [];
      const healthcheck = service.healthcheck;
      return {
        name,
        buildContext,
        image: typeof service.image === 'string' ? service.image : null,
        ports,
        hasHealthcheck: isRecord(healthcheck) && healthcheck.disable !== true && healthcheck.test !== undefined && !(Array.isArray(healthcheck.test) && healthcheck.test[0] === 'NONE'),
        restart: typeof service.restart === 'string' ? service.restart : null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Services `up` starts no container for, with why: none of their `profiles` is active, or they are scaled to 0
 * (`scale: 0`; `deploy.replicas: 0` from Compose v2 on). Berth neither builds, waits for nor monitors them.
 */
export function inactiveServices(config: ComposeConfig, activeProfiles: readonly string[] = [], generation: 1 | 2 = 1): Array<{ name: string; reason: string }> {
  return Object.entries(config.services)
    .map(([name, service]) => ({ name, reason: leftOutBecause(service, activeProfiles, generation) }))
    .filter((entry): entry is { name: string; reason: string } => entry.reason !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Services of the project's own file that Compose's normalised config leaves out because of their profiles: v2 and
 * later print only the active ones (v1 prints all, and inactiveServices finds them there).
 */
export function profileServicesOmitted(fileText: string, config: ComposeConfig, activeProfiles: readonly string[]): Array<{ name: string; reason: string }> {
  let raw: unknown;
  try {
    raw = parseDocument(fileText).toJS();
  } catch {
    return [];
  }
  if (!isRecord(raw) || !isRecord(raw.services)) return [];
  return Object.entries(raw.services)
    .filter(([name, service]) => !(name in config.services) && isRecord(service) && !isActive(service, activeProfiles))
    .map(([name, service]) => ({ name, reason: leftOutBecause(service as Record<string, unknown>, activeProfiles, 2)! }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function leftOutBecause(service: Record<string, unknown>, activeProfiles: readonly string[], generation: 1 | 2): string | null {
  if (!isActive(service, activeProfiles)) return `its profiles (${(service.profiles as unknown[]).map(String).join(', ')}) are not in COMPOSE_PROFILES`;
  if (replicasOf(service, generation).count === 0) return `${wholeNumber(service.scale) === 0 ? 'scale' : 'deploy.replicas'}: 0`;
  return null;
}

function isActive(service: Record<string, unknown>, activeProfiles: readonly string[]): boolean {
  const profiles = service.profiles;
  if (!Array.isArray(profiles) || profiles.length === 0) return true;
  return activeProfiles.includes('*') || profiles.some((profile) => activeProfiles.includes(String(profile)));
}

/** COMPOSE_PROFILES as Compose reads it: the engine's environment first, else the project's `.env`. */
export function activeProfilesOf(environment: string | undefined, dotEnv: string | null): string[] {
  const fromDotEnv = dotEnv === null ? undefined : /^\s*COMPOSE_PROFILES\s*=\s*(.*?)\s*$/m.exec(dotEnv)?.[1]?.replace(/^(['"])(.*)\1$/, '$2');
  const value = environment ?? fromDotEnv ?? '';
  return value.split(',').map((profile) => profile.trim()).filter(Boolean);
}

// ---- the public service ------------------------------------------------------------------------------

export interface PublicChoice {
  readonly service: string;
  /** The container port probes go to. */
  readonly containerPort: number;
  /** Why, for the evidence line. */
  readonly evidence: string;
  /** The service publishes no port: Berth publishes `containerPort` on loopback for it. */
  readonly addPort: boolean;
}

/**
 * Which service is the public one: the one the settings name, else the one service that publishes a port,
 * else among several the one that publishes the project's port. Throws with the one thing to set otherwise.
 */
export function choosePublicService(services: readonly ComposeService[], setting: string | undefined, projectPort: number, file: string): PublicChoice {
  if (setting !== undefined) {
    const named = services.find((service) => service.name === setting);
    if (!named) throw new ComposeFileError(`settings.compose.publicService names "${setting}", but ${file} has no such service (it has ${services.map((service) => service.name).join(', ')})`, null);
    const port = named.ports.find((candidate) => candidate.target === projectPort) ?? named.ports[0];
    if (port) return { service: named.name, containerPort: port.target, evidence: `settings.compose.publicService = ${named.name}; it publishes container port ${port.target}`, addPort: false };
    return { service: named.name, containerPort: projectPort, evidence: `settings.compose.publicService = ${named.name}; it publishes no port, so Berth publishes container port ${projectPort} on 127.0.0.1`, addPort: true };
  }
  const publishing = services.filter((service) => service.ports.length > 0);
  if (publishing.length === 1) {
    const only = publishing[0]!;
    const port = only.ports.find((candidate) => candidate.target === projectPort) ?? only.ports[0]!;
    return { service: only.name, containerPort: port.target, evidence: `${only.name} is the only service of ${file} that publishes a port (${port.target})`, addPort: false };
  }
  const byPort = publishing.filter((service) => service.ports.some((port) => port.target === projectPort));
  if (byPort.length === 1) return { service: byPort[0]!.name, containerPort: projectPort, evidence: `${byPort[0]!.name} publishes the project's port ${projectPort}`, addPort: false };
  const names = publishing.map((service) => service.name).join(', ');
  throw new ComposeFileError(
    publishing.length === 0
      ? `no service of ${file} publishes a port, so Berth cannot tell which one serves the app. Add a ports: entry to it, or set settings.compose.publicService`
      : `several services of ${file} publish ports (${names}) and ${byPort.length === 0 ? 'none' : 'more than one'} of them publishes the project's port ${projectPort}. Set settings.compose.publicService to the one that serves the app`,
    null,
  );
}

// ---- the file Berth runs -----------------------------------------------------------------------------

export interface EffectiveFileOptions {
  readonly deploymentId: string;
  readonly projectId: string;
  /** The public service and, when it publishes none, the port Berth publishes for it. */
  readonly publicChoice: PublicChoice;
  /** Keep the file's host addresses (settings.compose.publishAllInterfaces); otherwise every port binds 127.0.0.1. */
  readonly publishAllInterfaces: boolean;
  /** The project's env file in the data dir (0600), given to every service; null when the project has no env. */
  readonly envFile: string | null;
  /** The image each built service gets (its stable `live` tag), by service. */
  readonly imageFor: ReadonlyMap<string, string>;
  /** Services whose build is dropped: they run `imageFor`'s image as it is (a rollback). */
  readonly noBuild: boolean;
}

/** `ip:host:container/proto`, `ip::container/proto` (an ephemeral host port), `host:container/proto` or `container/proto`. */
const portSpec = (port: PublishedPort, hostIp: string | null): string =>
  hostIp ? `${hostIp}:${port.published ?? ''}:${port.target}/${port.protocol}` : `${port.published ? `${port.published}:` : ''}${port.target}/${port.protocol}`;

/**
 * The normalised config with Berth's changes: loopback ports, the env file, image tags, labels. Restart policies
 * stay the file's (Compose's default is none): a one-shot service that exits 0 must not be started again.
 */
export function effectiveComposeFile(config: ComposeConfig, options: EffectiveFileOptions): string {
  const services: Record<string, Record<string, unknown>> = {};
  for (const [name, original] of Object.entries(config.services)) {
    const service: Record<string, unknown> = { ...original };
    const ports = (Array.isArray(original.ports) ? original.ports : []).map(parsePort).filter((port): port is PublishedPort => port !== null);
    if (name === options.publicChoice.service && options.publicChoice.addPort) ports.push({ target: options.publicChoice.containerPort, published: null, hostIp: null, protocol: 'tcp' });
    if (ports.length > 0) service.ports = ports.map((port) => (options.publishAllInterfaces ? portSpec(port, port.hostIp) : portSpec(port, '127.0.0.1')));
    const image = options.imageFor.get(name);
    if (image) {
      service.image = image;
      if (options.noBuild) delete service.build;
    }
    if (options.envFile) {
      const existing = original.env_file === undefined ? [] : Array.isArray(original.env_file) ? original.env_file : [original.env_file];
      service.env_file = [...existing, options.envFile];
    }
    const labels = isRecord(original.labels) ? original.labels : Array.isArray(original.labels) ? Object.fromEntries(original.labels.map((entry) => String(entry).split(/=(.*)/s).slice(0, 2))) : {};
    service.labels = { ...labels, ...berthLabels(options.deploymentId, options.projectId), 'berth.service': name };
    services[name] = service;
  }
  return `# Written by Berth for deployment ${options.deploymentId} from the project's compose file; Compose runs this copy.\n# Regenerated on every run: edit the project's own file instead.\n${stringify({ ...config, services })}`;
}

// ---- where things are in the user's file -------------------------------------------------------------

/** The 1-based line of `services.<name>` in the user's compose text (null when it cannot be found). */
export function serviceLine(text: string, service: string): number | null {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  const services = document.get('services', true) as { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] } }> } | undefined;
  const item = services?.items?.find((entry) => entry.key?.value === service);
  const offset = item?.key?.range?.[0];
  return offset === undefined ? null : counter.linePos(offset).line;
}

/** A YAML syntax error in the user's file, with its line (null when the text parses). */
export function yamlSyntaxError(text: string): { line: number; message: string } | null {
  const document = parseDocument(text, { prettyErrors: true });
  const error = document.errors[0];
  if (!error) return null;
  return { line: error.linePos?.[0]?.line ?? 1, message: error.message.split('\n')[0]! };
}

/** Each service's `build` context as the user's file writes it (before Compose interpolates or resolves it). */
export function buildContextsOf(text: string): Array<{ service: string; context: string }> {
  const value: unknown = parseDocument(text).toJS();
  if (!isRecord(value) || !isRecord(value.services)) return [];
  return Object.entries(value.services).flatMap(([service, body]) => {
    if (!isRecord(body)) return [];
    const build = body.build;
    const context = typeof build === 'string' ? build : isRecord(build) ? (typeof build.context === 'string' ? build.context : '.') : null;
    return context === null ? [] : [{ service, context }];
  });
}

/** Files the user's compose file names for `env_file` and `extends` (as written), whose text Compose reads. */
export function referencedFiles(text: string): string[] {
  const value: unknown = parseDocument(text).toJS();
  if (!isRecord(value) || !isRecord(value.services)) return [];
  const files: string[] = [];
  for (const body of Object.values(value.services)) {
    if (!isRecord(body)) continue;
    const envFile = body.env_file;
    for (const entry of Array.isArray(envFile) ? envFile : envFile === undefined ? [] : [envFile]) {
      if (typeof entry === 'string') files.push(entry);
      else if (isRecord(entry) && typeof entry.path === 'string') files.push(entry.path);
    }
    if (isRecord(body.extends) && typeof body.extends.file === 'string') files.push(body.extends.file);
  }
  return [...new Set(files)].sort();
}

// ---- builds through the engine API ---------------------------------------------------------------------

/** A service's build as the engine's build API takes it (what Compose v1 itself sends, through docker-py). */
export interface EngineBuild {
  readonly contextDir: string;
  /** The Dockerfile's path inside the context. */
  readonly dockerfile: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly target: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly network: string | null;
}

/** The `build` keys Berth sends to the engine itself; any other key (ssh, secrets, platforms, cache_from…) is Compose's to build. */
const ENGINE_BUILD_KEYS = new Set(['context', 'dockerfile', 'args', 'target', 'labels', 'network']);

const stringMap = (value: unknown): Record<string, string> | null => {
  if (value === undefined || value === null) return {};
  let entries: Array<[string, unknown]>;
  if (Array.isArray(value)) entries = value.map((entry) => String(entry).split(/=(.*)/s).slice(0, 2) as [string, unknown]);
  else if (isRecord(value)) entries = Object.entries(value);
  else return null;
  // A key with no value (`args: [NAME]` with NAME unset) is left out, as Compose leaves it out.
  return Object.fromEntries(entries.filter(([, entry]) => entry !== undefined && entry !== null).map(([key, entry]) => [key, String(entry)]));
};

/**
 * How a built service of the normalised config is built: through the engine API (one call, no Compose process
 * to start) when its `build` uses only keys the API takes as Compose sends them, else `{ compose: why }` and
 * Compose builds it. Paths are as `config` resolved them (absolute context).
 */
export function engineBuildOf(service: Readonly<Record<string, unknown>>): EngineBuild | { readonly compose: string } {
  const build = service.build;
  const spec: Record<string, unknown> = typeof build === 'string' ? { context: build } : isRecord(build) ? build : {};
  if (typeof spec.context !== 'string' || !spec.context.startsWith('/')) return { compose: 'its build context is not a local folder' };
  const other = Object.keys(spec).filter((key) => !ENGINE_BUILD_KEYS.has(key));
  if (other.length > 0) return { compose: `its build uses ${other.sort().join(', ')}` };
  if (service.platform !== undefined) return { compose: 'it sets a platform' };
  const dockerfile = typeof spec.dockerfile === 'string' ? spec.dockerfile : 'Dockerfile';
  // A Dockerfile outside the context (or given by an absolute path) is sent beside the context by Compose.
  const inside = dockerfile.startsWith('/') ? (dockerfile.startsWith(`${spec.context.replace(/\/$/, '')}/`) ? dockerfile.slice(spec.context.replace(/\/$/, '').length + 1) : null) : dockerfile;
  if (inside === null || inside.split('/').includes('..')) return { compose: 'its Dockerfile is outside its build context' };
  const buildArgs = stringMap(spec.args);
  const labels = stringMap(spec.labels);
  if (buildArgs === null || labels === null) return { compose: 'its build args or labels are not a map or a list' };
  return {
    contextDir: spec.context,
    dockerfile: inside.replace(/^\.\//, ''),
    buildArgs,
    target: typeof spec.target === 'string' ? spec.target : null,
    labels,
    network: typeof spec.network === 'string' ? spec.network : null,
  };
}

/**
 * `up`'s `--timeout` for the containers it replaces: Berth's stop grace, as a single container's old release gets,
 * unless the file gives a service its own `stop_grace_period` (then Compose's per-service values apply).
 */
export function replaceTimeoutArgs(config: ComposeConfig, stopGraceMs: number): string[] {
  const ownGrace = Object.values(config.services).some((service) => service.stop_grace_period !== undefined);
  return ownGrace ? [] : ['--timeout', String(Math.ceil(stopGraceMs / 1000))];
}

/**
 * How many containers Compose runs for a service, and what Berth says about it. `scale` counts under every
 * Compose; `deploy.replicas` only from v2 on (docker-compose v1 ignores it without `--compatibility`, which Berth
 * does not pass). Berth follows one container per service, so more than one is said at detect.
 */
export function replicasOf(service: Readonly<Record<string, unknown>>, generation: 1 | 2): { readonly count: number; readonly note: string | null } {
  const scale = wholeNumber(service.scale);
  const deploy = isRecord(service.deploy) ? wholeNumber(service.deploy.replicas) : null;
  const count = scale ?? (generation === 2 ? deploy : null) ?? 1;
  if (count > 1) return { count, note: `${count} containers (${scale !== null ? 'scale' : 'deploy.replicas'}): Berth follows one of them; the others' logs, crashes and metrics are not watched` };
  if (generation === 1 && scale === null && deploy !== null && deploy !== 1) return { count, note: `deploy.replicas ${deploy} is ignored by docker-compose v1: one container runs` };
  return { count, note: null };
}

/**
 * What is wrong with a service's `scale` or `deploy.replicas`, or null. docker-compose v1 takes a negative scale
 * and starts no container, so the stack would fail verify without saying why.
 */
export function replicaCountProblem(service: Readonly<Record<string, unknown>>): string | null {
  const counts: Array<[string, unknown]> = [['scale', service.scale], ['deploy.replicas', isRecord(service.deploy) ? service.deploy.replicas : undefined]];
  for (const [key, value] of counts) {
    if (value !== undefined && value !== null && wholeNumber(value) === null) return `${key} is ${JSON.stringify(value)}: it must be a whole number, 0 or more`;
  }
  return null;
}

function wholeNumber(value: unknown): number | null {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : null;
}

/**
 * Who builds a service. Compose's classic builds (v1 always; v2 and later without the buildx plugin, which they
 * fall back from) go through the engine's classic build API, which Berth calls the same way without starting
 * Compose (engineBuildOf). With buildx, Compose builds with BuildKit (`RUN --mount`, `# syntax=`), which only it
 * does, so Compose builds every service there.
 */
export function buildRouteOf(service: Readonly<Record<string, unknown>>, compose: { readonly buildkit: boolean }): EngineBuild | { readonly compose: string } {
  return compose.buildkit ? { compose: 'Compose builds with BuildKit (buildx)' } : engineBuildOf(service);
}
