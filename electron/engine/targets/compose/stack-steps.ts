// The Docker target's steps for a Compose stack (docs/product-rules.md, "Compose stacks"):
// detect (the compose file, its services, the public one) → build (each built service through the engine's
// build API as Compose would send it, or `<compose> build` for keys only Compose sends; each line tagged
// with its service; every built image tagged per release) → setup (the env file and the file Compose runs,
// in the data dir) → deploy (`up -d`) → verify (the public service answers, the others run or are healthy)
// → done. Rollback puts every built service's previous image back under its `live` tag and runs `up` again.
//
// Images: a build tags `berth/<slug>-<service>:<run>`; the file `up` runs names `…:live`, which Berth
// points at the release's image. The file `up` runs is the same from run to run, so Compose recreates only
// the services whose image changed.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import type Dockerode from 'dockerode';
import { describeHealthCheck, effectiveHealthCheck, effectivePort, type HealthCheck, type Release, type ReleaseService, type StackService } from '../../../../shared';
import { dockerErrorText, isDockerNotFound, withDockerTimeout } from '../../docker/call';
import { ComposeMissingError, composeCommand, composeProjectName, observeStack, runCompose, stackContainers, type ComposeLine } from '../../docker/compose';
import { lastLogLines } from '../../docker/containers';
import { stackImageRepo, tagPart } from '../../docker/images';
import { isCompleted } from '../../monitor/stack-status';
import { StepAborted, StepFailure } from '../../step-failure';
import { buildImage } from '../../docker/build';
import type { StepContext } from '../target';
import type { DockerRunState, DockerStepCall } from '../docker/docker-steps';
import { containerCondition, waitUntilServing } from '../docker/verify';
import { buildContextsOf, referencedFiles, ComposeFileError, choosePublicService, composeServices, effectiveComposeFile, buildRouteOf, replaceTimeoutArgs, replicasOf, replicaCountProblem, inactiveServices, profileServicesOmitted, activeProfilesOf, parseComposeConfig, serviceLine, yamlSyntaxError, type ComposeService, type PublicChoice } from './compose-file';
import { OutputServiceTagger } from './output-service';
import type { StackRunState } from './stack-state';

const DIAGNOSTIC_LOG_LINES = 30;

export interface StackStepCall extends DockerStepCall {
  /** Berth's data dir: the stack's files live in `<dataDir>/stacks/<deploymentId>/`. */
  readonly dataDir: string;
}

export const stackDirOf = (dataDir: string, deploymentId: string): string => join(dataDir, 'stacks', deploymentId);
const runFileOf = (dir: string): string => join(dir, 'compose.yaml');
const buildFileOf = (dir: string): string => join(dir, 'build.compose.yaml');
export const envFileOf = (dir: string): string => join(dir, 'env');
const savedRunFileOf = (dir: string, runId: string): string => join(dir, 'releases', `${runId}.compose.yaml`);

export const liveTagOf = (slug: string, service: string): string => `${stackImageRepo(slug, service)}:live`;
const releaseTagOf = (slug: string, service: string, runId: string): string => `${stackImageRepo(slug, service)}:${tagPart(runId)}`;

type StackContext = StepContext<DockerRunState>;

function stackOf(context: StackContext): StackRunState {
  const stack = context.state.stack;
  if (!stack) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'This step of a Compose stack ran without its detect step; deploy again.');
  return stack;
}

const WARNING_LINE = /\blevel=warn(?:ing)?\b|^\s*(?:WARN(?:ING)?\b|warning:)/i;

/**
 * Whether a line of Compose's output can be a failure's cause. Warnings are not, though they may read like one
 * (v2 without buildx: `level=warning msg="buildx Docker CLI plugin not found: falling back to the classic builder"`).
 */
export function isCauseLine(text: string): boolean {
  return !WARNING_LINE.test(text) && /\berror\b|failed|denied|not found|no such|cannot|returned a non-zero code/i.test(text);
}

/** Writes Compose's lines to the step's log, each with its service. */
function composeLineWriter(
  context: StackContext,
  services: readonly string[],
  deploymentId: string,
  /** The service of a line that names none (a command about one service only). */
  fallback: string | null = null,
): { write: (line: ComposeLine) => number; last: { lineNo: number; service: string | null; errorLineNo: number | null; errorText: string | null } } {
  const tagger = new OutputServiceTagger(services, composeProjectName(deploymentId));
  const last = { lineNo: 0, service: null as string | null, errorLineNo: null as number | null, errorText: null as string | null };
  return {
    last,
    write: (line) => {
      const service = tagger.serviceOf(line.text) ?? fallback;
      const options = service ? { service } : {};
      last.lineNo = line.stream === 'stderr' ? context.stderr(line.text, options) : context.stdout(line.text, options);
      last.service = service ?? last.service;
      // The first error-like line is the cause; what Compose prints after it ("failed to build") only repeats it.
      if (last.errorLineNo === null && isCauseLine(line.text)) {
        last.errorLineNo = last.lineNo;
        last.errorText = line.text.trim();
      }
      return last.lineNo;
    },
  };
}

async function requireCompose(context: StackContext): Promise<void> {
  try {
    const command = await composeCommand();
    context.stdout(`Compose: ${command.label} ${command.version}`);
  } catch (error) {
    if (!(error instanceof ComposeMissingError)) throw error;
    const line = context.stderr(`error: ${error.message}`);
    throw new StepFailure('COMPOSE_UNAVAILABLE', error.message, { evidenceLineNo: line });
  }
}

// ---- detect ----------------------------------------------------------------------------------------

/** After the scan said `multi`: Compose validates and normalises the file; Berth records its services and the public one. */
export async function detectStack({ context }: StackStepCall): Promise<void> {
  const scan = context.state.scan;
  const fileName = scan?.composeFile;
  if (!scan || !fileName) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The scan found no compose file; deploy again.');
  await requireCompose(context);
  const deploymentId = context.deploymentAtStart.id;
  const composeFile = join(context.project.sourceDir, fileName);
  const text = readFileSync(composeFile, 'utf8');
  const syntax = yamlSyntaxError(text);
  if (syntax) {
    const line = context.stderr(`error: ${fileName} line ${syntax.line}: ${syntax.message}`);
    throw new StepFailure('COMPOSE_FILE_INVALID', `${fileName} does not parse as YAML at line ${syntax.line}: ${syntax.message}. Fix the file, then deploy again.`, { evidenceLineNo: line });
  }
  // A build context that is not there, named with its service and line before Compose words it without them.
  for (const missing of missingBuildContexts(text, context.project.sourceDir)) {
    const at = serviceLine(text, missing.service);
    const line = context.stderr(`error: service ${missing.service} (${fileName}${at ? ` line ${at}` : ''}): build context ${missing.context} does not exist`, { service: missing.service });
    throw new StepFailure('COMPOSE_FILE_INVALID', `Service ${missing.service} in ${fileName}${at ? ` (line ${at})` : ''} builds from ${missing.context}, which does not exist. Fix its build: path, then deploy again.`, { evidenceLineNo: line });
  }
  const errors: Array<{ lineNo: number; text: string }> = [];
  const command = await composeCommand();
  // Compose's answer depends only on these inputs: for byte-identical ones (a redeploy of an unchanged file) it is reused.
  const cacheKey = configCacheKey({ command, composeText: text, sourceDir: context.project.sourceDir, project: command.generation === 1 ? null : composeProjectName(deploymentId) });
  const cached = CONFIG_CACHE.get(cacheKey);
  let result: { code: number | null; stdout: string; tail: readonly ComposeLine[] };
  if (cached) {
    context.stdout(`${fileName}: unchanged since Compose validated it (same file, .env, env files and variables): its normalised config is reused`);
    for (const text of cached.stderr) errors.push({ lineNo: context.stderr(text), text });
    result = { code: 0, stdout: cached.stdout, tail: [] };
  } else {
    context.stdout(`${fileName}: asking Compose to validate and normalise it (config)`);
    result = await runCompose(['config'], {
      project: composeProjectName(deploymentId),
      files: [composeFile],
      projectDirectory: context.project.sourceDir,
      signal: context.signal,
      onLine: (line) => {
        if (line.stream === 'stderr') errors.push({ lineNo: context.stderr(line.text), text: line.text });
      },
    });
    if (result.code === 0) rememberConfig(cacheKey, { stdout: result.stdout, stderr: errors.map((error) => error.text) });
  }
  if (result.code !== 0) {
    const cause = result.tail.filter((line) => line.stream === 'stderr').map((line) => line.text.replace(/^ERROR:\s*/, '')).join(' ').trim() || `exit code ${result.code}`;
    const located = /line (\d+)/i.exec(cause);
    const service = /services\.([\w-]+)/.exec(cause)?.[1] ?? /[Ss]ervice ['"]?([\w.-]+)['"]?/.exec(cause)?.[1];
    const where = [located ? `line ${located[1]}` : null, service ? `service ${service}${serviceLine(text, service) ? ` (line ${serviceLine(text, service)})` : ''}` : null].filter(Boolean).join(', ');
    throw new StepFailure('COMPOSE_FILE_INVALID', `Compose refused ${fileName}${where ? ` (${where})` : ''}: ${cause}`, {
      // The line that names the service (or the line) is the evidence; Compose's heading line says only "invalid".
      evidenceLineNo: (errors.find((error) => /services\.|line \d+/i.test(error.text)) ?? errors[0])?.lineNo ?? context.stderr(`error: ${cause}`),
    });
  }
  let choice: PublicChoice;
  const config = parseComposeConfig(result.stdout);
  const profiles = activeProfilesOf(process.env['COMPOSE_PROFILES'], readDotEnv(context.project.sourceDir));
  for (const [name, service] of Object.entries(config.services)) {
    const problem = replicaCountProblem(service);
    if (problem === null) continue;
    const at = serviceLine(text, name);
    const line = context.stderr(`error: service ${name} (${fileName}${at ? ` line ${at}` : ''}): ${problem}`, { service: name });
    throw new StepFailure('COMPOSE_FILE_INVALID', `Service ${name} in ${fileName}${at ? ` (line ${at})` : ''}: ${problem}. Fix it, then deploy again.`, { evidenceLineNo: line });
  }
  const services: ComposeService[] = composeServices(config, profiles, command.generation);
  const leftOut = [...inactiveServices(config, profiles, command.generation), ...profileServicesOmitted(text, config, profiles)].sort((a, b) => a.name.localeCompare(b.name));
  for (const inactive of leftOut) {
    const at = serviceLine(text, inactive.name);
    context.stdout(`  service ${inactive.name}: ${fileName}${at ? ` line ${at}` : ''}: not started: ${inactive.reason}`, { service: inactive.name });
  }
  if (services.length === 0) {
    const profileNote = `COMPOSE_PROFILES${profiles.length > 0 ? ` = ${profiles.join(',')}` : ' is not set'}`;
    const line = context.stderr(`error: ${fileName}: no service would start (${leftOut.map((inactive) => `${inactive.name}: ${inactive.reason}`).join('; ')}; ${profileNote})`);
    throw new StepFailure(
      'COMPOSE_FILE_INVALID',
      `${fileName} starts no service: each one has a profile that COMPOSE_PROFILES (in the engine's environment or the project's .env) does not name, or is scaled to 0. Set COMPOSE_PROFILES in the project's .env, or give a service a scale of 1 or more, then deploy again.`,
      { evidenceLineNo: line },
    );
  }
  for (const service of services) {
    const at = serviceLine(text, service.name);
    const parts = [
      service.buildContext ? `builds ${service.buildContext}` : `runs image ${service.image ?? '?'}`,
      service.ports.length > 0 ? `publishes ${service.ports.map((port) => `${port.published ?? '(any)'}→${port.target}/${port.protocol}`).join(', ')}` : 'publishes no port',
      service.hasHealthcheck ? 'has a healthcheck' : null,
      replicasOf(config.services[service.name] ?? {}, command.generation).note,
    ].filter(Boolean);
    context.stdout(`  service ${service.name}: ${fileName}${at ? ` line ${at}` : ''}: ${parts.join(' · ')}`, { service: service.name });
    if (service.buildContext && !isDirectory(service.buildContext)) {
      const line = context.stderr(`error: service ${service.name} (${fileName}${at ? ` line ${at}` : ''}): build context ${service.buildContext} does not exist`, { service: service.name });
      throw new StepFailure('COMPOSE_FILE_INVALID', `Service ${service.name} in ${fileName}${at ? ` (line ${at})` : ''} builds from ${service.buildContext}, which does not exist. Fix its build: path, then deploy again.`, { evidenceLineNo: line });
    }
  }
  const projectPort = effectivePort(context.project.settings, scan).value;
  try {
    choice = choosePublicService(services, context.project.settings.compose?.publicService, projectPort, fileName);
  } catch (error) {
    if (!(error instanceof ComposeFileError)) throw error;
    const line = context.stderr(`error: ${error.message}`);
    throw new StepFailure('COMPOSE_FILE_INVALID', `${error.message}.`, { evidenceLineNo: line });
  }
  context.stdout(`public service: ${choice.service}, container port ${choice.containerPort}: ${choice.evidence}`, { service: choice.service });
  const check = effectiveHealthCheck(context.project.settings, scan).value;
  context.stdout(`health check of ${choice.service}: ${describeHealthCheck(check)}`, { service: choice.service });
  context.recordScan({
    ...scan,
    port: choice.containerPort,
    decisions: [
      ...scan.decisions,
      ...services.map((service) => ({
        topic: 'build' as const,
        value: service.name,
        evidence: `${fileName}${serviceLine(text, service.name) ? ` line ${serviceLine(text, service.name)}` : ''}: service ${service.name} ${service.buildContext ? `builds ${service.buildContext}` : `runs ${service.image ?? 'an image'}`}`,
        source: 'detected' as const,
      })),
      { topic: 'port' as const, value: String(choice.containerPort), evidence: choice.evidence, source: context.project.settings.compose?.publicService ? ('override' as const) : ('detected' as const) },
    ],
  });
  context.state.stack = { composeFile, config, services, publicChoice: choice };
}

/** Services whose literal (uninterpolated, local) build context is not a directory. */
function missingBuildContexts(text: string, sourceDir: string): Array<{ service: string; context: string }> {
  const missing: Array<{ service: string; context: string }> = [];
  for (const { service, context } of buildContextsOf(text)) {
    if (context.includes('$') || /^[a-z]+:\/\/|^git@/i.test(context)) continue;
    const path = isAbsolute(context) ? context : join(sourceDir, context);
    if (!isDirectory(path)) missing.push({ service, context: path });
  }
  return missing;
}

/** Compose's normalised configs by their inputs' hash (configCacheKey), the last few. */
const CONFIG_CACHE = new Map<string, { stdout: string; stderr: readonly string[] }>();
const CONFIG_CACHE_SIZE = 32;

function rememberConfig(key: string, value: { stdout: string; stderr: readonly string[] }): void {
  CONFIG_CACHE.delete(key);
  CONFIG_CACHE.set(key, value);
  if (CONFIG_CACHE.size > CONFIG_CACHE_SIZE) CONFIG_CACHE.delete(CONFIG_CACHE.keys().next().value!);
}

/**
 * What `config`'s answer depends on: Compose's version, the folder, the file's text, the `.env` beside it, the
 * text of every file the compose file names for `env_file` or `extends`, and the engine's environment variables
 * it (or the `.env`) refers to. A file that cannot be read is part of the key as missing.
 */
export function configCacheKey(input: { command: { label: string; version: string }; composeText: string; sourceDir: string; project: string | null }): string {
  const hash = createHash('sha256');
  const add = (part: string): void => {
    hash.update(String(part.length));
    hash.update(':');
    hash.update(part);
  };
  const read = (path: string): string => {
    try {
      return readFileSync(isAbsolute(path) ? path : join(input.sourceDir, path), 'utf8');
    } catch {
      return '\u0000missing';
    }
  };
  add(`${input.command.label} ${input.command.version}`);
  add(input.sourceDir);
  add(input.project ?? '');
  add(input.composeText);
  const dotEnv = read('.env');
  add(dotEnv);
  for (const file of referencedFiles(input.composeText)) {
    add(file);
    add(read(file));
  }
  for (const name of [...new Set([...`${input.composeText}\n${dotEnv}`.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!))].sort()) {
    add(name);
    add(process.env[name] ?? '\u0000unset');
  }
  return hash.digest('hex');
}

/** The project's `.env` (Compose reads COMPOSE_PROFILES and the file's variables from it), or null. */
function readDotEnv(sourceDir: string): string | null {
  try {
    return readFileSync(join(sourceDir, '.env'), 'utf8');
  } catch {
    return null;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// ---- build ----------------------------------------------------------------------------------------

/** Builds each built service (engineBuildOf: the engine API, else Compose), tagged for this release; image-only services must be present or pullable. */
export async function buildStack({ docker, context, dataDir }: StackStepCall): Promise<void> {
  const stack = stackOf(context);
  if (!stack.config || !stack.composeFile) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The build step of a stack ran without its compose file; deploy again.');
  const deploymentId = context.deploymentAtStart.id;
  const { slug } = context.project;
  const dir = stackDirOf(dataDir, deploymentId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const built = stack.services.filter((service) => service.buildContext);
  const releaseTags = new Map(built.map((service) => [service.name, releaseTagOf(slug, service.name, context.run.id)]));
  const buildFile = buildFileOf(dir);
  writeFileSync(buildFile, effectiveComposeFile(stack.config, { ...fileOptions(context, stack, null), imageFor: releaseTags, noBuild: false }), { mode: 0o600 });
  const fileName = context.state.scan?.composeFile ?? 'the compose file';
  const text = readFileSync(stack.composeFile, 'utf8');

  // Images the file only names must be on the engine (pulled when they are not).
  for (const service of stack.services.filter((candidate) => !candidate.buildContext && candidate.image)) {
    if (await imageExists(docker, service.image!)) {
      context.stdout(`service ${service.name}: image ${service.image} is present`, { service: service.name });
      continue;
    }
    context.stdout(`service ${service.name}: pulling ${service.image}`, { service: service.name });
    const writer = composeLineWriter(context, stack.services.map((candidate) => candidate.name), deploymentId);
    const pulled = await runCompose(['pull', service.name], { project: composeProjectName(deploymentId), files: [buildFile], projectDirectory: context.project.sourceDir, signal: context.signal, onLine: writer.write });
    if (pulled.code !== 0 || !(await imageExists(docker, service.image!))) {
      const at = serviceLine(text, service.name);
      const cause = writer.last.errorText ?? `exit code ${pulled.code}`;
      const line = context.stderr(`error: service ${service.name} (${fileName}${at ? ` line ${at}` : ''}): image ${service.image} could not be pulled: ${cause}`, { service: service.name });
      throw new StepFailure('COMPOSE_FILE_INVALID', `Service ${service.name} in ${fileName}${at ? ` (line ${at})` : ''} uses image ${service.image}, which is not on this Docker engine and could not be pulled (${cause}). Build it, pull it by hand, or fix the image name.`, {
        evidenceLineNo: writer.last.errorLineNo ?? line,
      });
    }
  }

  if (built.length > 0) {
    context.stdout(`building ${built.map((service) => service.name).join(', ')} (the layer cache keeps unchanged services as they were)`);
    const byCompose: ComposeService[] = [];
    const compose = await composeCommand();
    for (const service of built) {
      const how = buildRouteOf(stack.config.services[service.name] ?? {}, compose);
      if ('compose' in how) {
        context.stdout(`service ${service.name}: Compose builds it (${how.compose})`, { service: service.name });
        byCompose.push(service);
        continue;
      }
      // The build Compose itself would ask the engine for (docker-py's build call), without starting a Compose process for it.
      const tag = releaseTags.get(service.name)!;
      context.stdout(`service ${service.name}: building ${how.contextDir}${how.dockerfile === 'Dockerfile' ? '' : ` (${how.dockerfile})`}`, { service: service.name });
      try {
        await buildImage(docker, {
          contextDir: how.contextDir,
          dockerfile: how.dockerfile,
          buildArgs: how.buildArgs,
          target: how.target,
          network: how.network,
          ...(Object.keys(how.labels).length > 0 ? { labels: how.labels } : {}),
          tag,
          signal: context.signal,
          log: { stdout: (text) => context.stdout(text, { service: service.name }), stderr: (text) => context.stderr(text, { service: service.name }) },
        });
      } catch (error) {
        if (!(error instanceof StepFailure) || error.code !== 'DOCKER_IMAGE_BUILD_FAILED') throw error;
        const at = serviceLine(text, service.name);
        const cause = error.likelyCause.replace(/^The Dockerfile did not build: /, '').replace(/\. Fix the failing instruction.*$/s, '');
        throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', `The build of service ${service.name} (${fileName}${at ? ` line ${at}` : ''}) failed: ${cause}. Fix the failing instruction (see the evidence line) and deploy again.`, error.options);
      }
    }
    if (byCompose.length > 0) {
      // BuildKit's lines name their service; the classic builder's do not, and v2 runs builds side by side: one at a time.
      const runs = compose.buildkit ? [byCompose] : byCompose.map((service) => [service]);
      for (const services of runs) await composeBuild(context, services, { buildFile, deploymentId, fileName, text });
    }
  }

  const services: ReleaseService[] = [];
  for (const service of built) {
    const tag = releaseTags.get(service.name)!;
    const image = await withDockerTimeout(docker.getImage(tag).inspect(), 'an image inspect');
    services.push({ name: service.name, imageRef: tag, imageId: image.Id });
    context.stdout(`service ${service.name}: ${tag} (${image.Id.slice(7, 19)})`, { service: service.name });
  }
  context.state.services = services;
  const publicBuilt = services.find((service) => service.name === stack.publicChoice.service);
  const publicImage = publicBuilt?.imageRef ?? stack.services.find((service) => service.name === stack.publicChoice.service)?.image ?? null;
  if (publicImage) context.state.imageRef = publicImage;
  if (publicBuilt?.imageId) context.state.imageId = publicBuilt.imageId;
}

/** `<compose> build` of the services whose build only Compose knows how to send (engineBuildOf). */
async function composeBuild(context: StackContext, services: readonly ComposeService[], file: { buildFile: string; deploymentId: string; fileName: string; text: string }): Promise<void> {
  const names = services.map((service) => service.name);
  const writer = composeLineWriter(context, names, file.deploymentId, names.length === 1 ? names[0]! : null);
  const result = await runCompose(['build', ...names], {
    project: composeProjectName(file.deploymentId),
    files: [file.buildFile],
    projectDirectory: context.project.sourceDir,
    signal: context.signal,
    onLine: writer.write,
  });
  if (context.signal.aborted) throw new StepAborted('The build was aborted by a stop request.');
  if (result.code !== 0) {
    const service = writer.last.service;
    const at = service ? serviceLine(file.text, service) : null;
    const cause = writer.last.errorText ?? result.tail.at(-1)?.text ?? `exit code ${result.code}`;
    const line = context.stderr(`error: the build of ${service ? `service ${service}` : 'the stack'} failed: ${cause}`, service ? { service } : {});
    throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', `The build of ${service ? `service ${service} (${file.fileName}${at ? ` line ${at}` : ''})` : file.fileName} failed: ${cause}`, { evidenceLineNo: writer.last.errorLineNo ?? line });
  }
}

async function imageExists(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await withDockerTimeout(docker.getImage(image).inspect(), 'an image inspect');
    return true;
  } catch (error) {
    if (isDockerNotFound(error)) return false;
    throw error;
  }
}

function fileOptions(context: StackContext, stack: StackRunState, envFile: string | null) {
  return {
    deploymentId: context.deploymentAtStart.id,
    projectId: context.project.id,
    publicChoice: stack.publicChoice,
    publishAllInterfaces: context.project.settings.compose?.publishAllInterfaces === true,
    envFile,
  };
}

/** Points each service's `live` tag at its image in `services`. */
async function tagLive(docker: Dockerode, slug: string, services: readonly ReleaseService[]): Promise<void> {
  for (const service of services) {
    const [repo, tag] = splitTag(liveTagOf(slug, service.name));
    await withDockerTimeout(docker.getImage(service.imageId ?? service.imageRef).tag({ repo, tag }), 'an image tag');
  }
}

const splitTag = (reference: string): [string, string] => {
  const colon = reference.lastIndexOf(':');
  return [reference.slice(0, colon), reference.slice(colon + 1)];
};

// ---- setup ----------------------------------------------------------------------------------------

/** Writes the env file (0600) and the file Compose runs, both in the data dir; points the `live` tags at this run's images. */
export async function setupStack({ docker, context, dataDir }: StackStepCall): Promise<void> {
  const stack = stackOf(context);
  const dir = stackDirOf(dataDir, context.deploymentAtStart.id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const envFile = writeEnvFile(context, dir);
  const runFile = runFileOf(dir);
  if (stack.savedRunFile) {
    copyFileSync(stack.savedRunFile, runFile);
    chmodSync(runFile, 0o600);
    context.stdout(`running the release's own compose file (${stack.savedRunFile})`);
  } else {
    if (!stack.config) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The setup step of a stack ran without its compose file; deploy again.');
    const live = new Map(stack.services.filter((service) => service.buildContext).map((service) => [service.name, liveTagOf(context.project.slug, service.name)]));
    writeFileSync(runFile, effectiveComposeFile(stack.config, { ...fileOptions(context, stack, envFile), imageFor: live, noBuild: true }), { mode: 0o600 });
  }
  stack.runFile = runFile;
  await tagLive(docker, context.project.slug, context.state.services ?? []);
  const all = context.project.settings.compose?.publishAllInterfaces === true;
  context.stdout(all ? 'published ports keep the compose file\'s host addresses (settings.compose.publishAllInterfaces)' : 'published ports bind 127.0.0.1 only (set settings.compose.publishAllInterfaces to keep the file\'s addresses)');
  context.stdout(`Compose runs ${runFile} (written from the project's file, which stays untouched)`);
}

/** The project's env as an env file every service reads (0600, in the data dir); null without env. Values never reach the log. */
function writeEnvFile(context: StackContext, dir: string): string | null {
  const file = envFileOf(dir);
  const env = context.project.settings.env;
  if (env.length === 0) {
    rmSync(file, { force: true });
    return null;
  }
  const usable = env.filter((variable) => !/[\r\n]/.test(variable.value));
  for (const skipped of env.filter((variable) => !usable.includes(variable))) context.stderr(`warning: env ${skipped.name} holds a line break, which an env file cannot carry; it is left out`);
  writeFileSync(file, `${usable.map((variable) => `${variable.name}=${variable.value}`).join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  context.stdout(`env for every service (env file ${file}, mode 0600): ${usable.map((variable) => `${variable.name}=${variable.secret ? '••••••' : variable.value}`).join(' ')}`);
  return file;
}

// ---- deploy ---------------------------------------------------------------------------------------

/** `<compose> up -d --no-build --remove-orphans`: Compose recreates the services whose image or config changed. */
export async function deployStack({ context, dataDir, monitor, stopGraceMs }: StackStepCall): Promise<void> {
  const stack = stackOf(context);
  if (!stack.runFile) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The deploy step of a stack ran before setup; deploy again.');
  const timeout = replaceTimeoutArgs(stack.config ?? parseComposeConfig(readFileSync(stack.runFile, 'utf8')), stopGraceMs);
  context.stdout(timeout.length > 0 ? `a container Compose replaces gets ${timeout[1]} s to stop (Berth's stop grace)` : "a container Compose replaces gets its service's stop_grace_period (the file sets one), else Compose's 10 s");
  const deploymentId = context.deploymentAtStart.id;
  // Containers Compose replaces are not crashes: monitoring resumes when the run ends (done, or the run's settling).
  monitor.unwatch(deploymentId);
  const writer = composeLineWriter(context, stack.services.map((service) => service.name), deploymentId);
  stack.deployed = true;
  try {
    const result = await runCompose(['up', '-d', '--no-build', '--remove-orphans', ...timeout], {
      project: composeProjectName(deploymentId),
      files: [stack.runFile],
      projectDirectory: context.project.sourceDir,
      signal: context.signal,
      onLine: writer.write,
    });
    if (context.signal.aborted) return;
    if (result.code !== 0) {
      const cause = writer.last.errorText ?? result.tail.at(-1)?.text ?? `exit code ${result.code}`;
      const line = context.stderr(`error: Compose could not start the stack: ${cause}`);
      throw new StepFailure(/port is already allocated|address already in use/i.test(cause) ? 'PORT_ALLOCATION_FAILED' : 'CONTAINER_START_FAILED', `Compose could not start the stack: ${cause}`, { evidenceLineNo: writer.last.errorLineNo ?? line });
    }
  } finally {
    // Compose read the env into the containers; the file goes until the next run needs it.
    rmSync(envFileOf(stackDirOf(dataDir, deploymentId)), { force: true });
  }
}

// ---- verify ---------------------------------------------------------------------------------------

const knownServices = (stack: StackRunState) =>
  stack.services.map((service) => ({
    name: service.name,
    public: service.name === stack.publicChoice.service,
    containerPort: service.name === stack.publicChoice.service ? stack.publicChoice.containerPort : (service.ports[0]?.target ?? null),
    hasHealthcheck: service.hasHealthcheck,
  }));

const healthCheckOf = (context: StackContext): HealthCheck => effectiveHealthCheck(context.project.settings, context.state.scan ?? null).value;

/** The public service answers its health check; every other service runs (healthy, when it has a healthcheck). */
export async function verifyStack({ docker, socketReader, context }: StackStepCall): Promise<void> {
  const stack = stackOf(context);
  const deploymentId = context.deploymentAtStart.id;
  const { verifyTimeoutMs } = context.project.settings;
  const deadline = Date.now() + verifyTimeoutMs;
  const known = knownServices(stack);
  // The public service first, read alone (one listing, one inspect), so probing starts as soon as it can.
  const publicKnown = known.filter((service) => service.public);
  const publicService = (await observeStack(docker, deploymentId, publicKnown))[0]!;
  const check = healthCheckOf(context);
  if (!publicService.containerId || publicService.hostPort === null) {
    const line = context.stderr(`error: the public service ${publicService.name} has no running container publishing port ${stack.publicChoice.containerPort}`, { service: publicService.name });
    await diagnose(docker, socketReader, context, publicService);
    throw new StepFailure('CONTAINER_START_FAILED', `The public service ${publicService.name} did not start (state ${publicService.state}, exit code ${publicService.exitCode ?? '-'}). See its log above.`, { fallbackEvidenceLineNo: line });
  }
  const url = `http://127.0.0.1:${publicService.hostPort}${check.path}`;
  context.stdout(`probing ${publicService.name} at ${url} for up to ${Math.round(verifyTimeoutMs / 1000)} s: ${describeHealthCheck(check)}`, { service: publicService.name });
  const outcome = await waitUntilServing({
    docker,
    containerId: publicService.containerId,
    url,
    rule: check.rule,
    timeoutMs: verifyTimeoutMs,
    signal: context.signal,
    onAnswer: (answer) => context.stdout(`probe ${url}: ${answer.description}`, { service: publicService.name }),
  });
  if (outcome.kind !== 'healthy') {
    await diagnose(docker, socketReader, context, publicService);
    const condition = await containerCondition(docker, publicService.containerId);
    const line = context.stderr(`error: ${publicService.name}: ${url} gave no answer the health check counts (${outcome.kind === 'gave-up' ? `the container exited with code ${condition.exitCode ?? 'unknown'}` : `last answer: ${outcome.last.description}`})`, { service: publicService.name });
    throw new StepFailure(
      outcome.kind === 'gave-up' ? 'CONTAINER_START_FAILED' : 'DEPLOYMENT_VERIFICATION_FAILED',
      `The public service ${publicService.name} did not answer ${check.path} on container port ${stack.publicChoice.containerPort} within ${Math.round(verifyTimeoutMs / 1000)} s. See its log above.`,
      { evidenceLineNo: line },
    );
  }
  context.stdout(`healthy: ${publicService.name} answered ${outcome.result.description} after ${(outcome.afterMs / 1000).toFixed(1)} s`, { service: publicService.name });
  // The others: running, and healthy where the compose file gives them a healthcheck (only those still waiting are read again).
  const needsHealth = new Set(stack.services.filter((service) => service.hasHealthcheck).map((service) => service.name));
  let waitingKnown = known.filter((service) => !service.public);
  while (waitingKnown.length > 0) {
    const services = await observeStack(docker, deploymentId, waitingKnown);
    // A one-shot service that exited with code 0 has done its job (isCompleted).
    const waiting = services.filter((service) => !isCompleted(service) && !(service.state === 'running' && (!needsHealth.has(service.name) || service.health === 'healthy')));
    for (const service of services.filter((candidate) => !waiting.includes(candidate))) {
      context.stdout(`service ${service.name}: ${isCompleted(service) ? 'finished (exit code 0)' : service.state}${service.health ? ` (${service.health})` : ''}`, { service: service.name });
    }
    const dead = waiting.find((service) => service.state === 'exited' || service.state === 'missing' || service.health === 'unhealthy');
    if (waiting.length === 0) break;
    if (dead || Date.now() > deadline || context.signal.aborted) {
      const culprit = dead ?? waiting[0]!;
      await diagnose(docker, socketReader, context, culprit);
      const line = context.stderr(`error: service ${culprit.name} is ${culprit.health === 'unhealthy' ? 'unhealthy' : culprit.state}${culprit.exitCode !== null ? ` (exit code ${culprit.exitCode})` : ''}`, { service: culprit.name });
      throw new StepFailure(
        culprit.state === 'exited' || culprit.state === 'missing' ? 'CONTAINER_START_FAILED' : 'DEPLOYMENT_VERIFICATION_FAILED',
        `Service ${culprit.name} ${culprit.health === 'unhealthy' ? 'reports unhealthy' : culprit.state === 'exited' ? `exited with code ${culprit.exitCode ?? 'unknown'}` : `is ${culprit.state}`}${dead ? '' : ` after ${Math.round(verifyTimeoutMs / 1000)} s`}. See its log above.`,
        { evidenceLineNo: line },
      );
    }
    waitingKnown = waitingKnown.filter((service) => waiting.some((candidate) => candidate.name === service.name));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function diagnose(docker: Dockerode, socketReader: StackStepCall['socketReader'], context: StackContext, service: StackService): Promise<void> {
  if (!service.containerId) return;
  context.system(`[DIAGNOSTICS] last ${DIAGNOSTIC_LOG_LINES} lines of service ${service.name}:`, { service: service.name });
  try {
    for (const text of await lastLogLines(docker, socketReader, service.containerId, DIAGNOSTIC_LOG_LINES)) context.stdout(text, { service: service.name });
  } catch (error) {
    context.system(`[DIAGNOSTICS] could not read the log of ${service.name}: ${dockerErrorText(error)}`, { service: service.name });
  }
}

// ---- done -----------------------------------------------------------------------------------------

/** The stack is live: the deployment row gets its services (public first), the run file is kept with the release. */
export async function promoteStack({ docker, context, monitor, dataDir }: StackStepCall): Promise<void> {
  const stack = stackOf(context);
  const deploymentId = context.deploymentAtStart.id;
  const services = await observeStack(docker, deploymentId, knownServices(stack));
  const publicService = services.find((service) => service.public)!;
  monitor.unwatch(deploymentId);
  if (stack.runFile) {
    const saved = savedRunFileOf(stackDirOf(dataDir, deploymentId), context.run.id);
    mkdirSync(join(saved, '..'), { recursive: true, mode: 0o700 });
    copyFileSync(stack.runFile, saved);
  }
  context.updateDeployment({ containerId: publicService.containerId, hostPort: publicService.hostPort, imageRef: context.state.imageRef ?? null, lastExitCode: null, healthCheck: healthCheckOf(context), services });
  context.stdout(`the stack is live: ${publicService.name} at http://127.0.0.1:${publicService.hostPort}; ${services.map((service) => `${service.name} ${service.state}`).join(', ')}`);
}

// ---- rollback -------------------------------------------------------------------------------------

/** A release of a stack can be restored when every built service's image is still on the engine. */
async function checkReleaseImages(docker: Dockerode, context: StackContext, release: Release, code: 'MANUAL_ROLLBACK_FAILED' | 'AUTOMATIC_ROLLBACK_FAILED'): Promise<void> {
  for (const service of release.services ?? []) {
    if (await imageExists(docker, service.imageId ?? service.imageRef)) continue;
    const line = context.stderr(`error: the image of service ${service.name} in release ${release.id} (${service.imageRef}) is no longer on the Docker engine`, { service: service.name });
    throw new StepFailure(code, `Release ${release.id}'s image of service ${service.name} (${service.imageRef}) was removed from the engine, so the stack cannot be restored. Pick another release or redeploy.`, { evidenceLineNo: line });
  }
}

/** The stack state a rollback runs with: the release's own run file, its services, the public one as the deployment knows it. */
function rollbackStackState(context: StackContext, release: Release, dataDir: string, generation: 1 | 2): StackRunState {
  const saved = savedRunFileOf(stackDirOf(dataDir, context.deploymentAtStart.id), release.runId);
  if (!existsSync(saved)) throw new StepFailure('MANUAL_ROLLBACK_FAILED', `Release ${release.id}'s compose file (${saved}) is gone from Berth's data dir, so the stack cannot be restored. Redeploy instead.`);
  const config = parseComposeConfig(readFileSync(saved, 'utf8'));
  const services = composeServices(config, activeProfilesOf(process.env['COMPOSE_PROFILES'], readDotEnv(context.project.sourceDir)), generation);
  const known = context.deployment().services ?? [];
  const publicName = known.find((service) => service.public)?.name ?? services.find((service) => service.ports.length > 0)?.name ?? services[0]!.name;
  const publicService = services.find((service) => service.name === publicName);
  const containerPort = known.find((service) => service.public)?.containerPort ?? publicService?.ports[0]?.target ?? effectivePort(context.project.settings, null).value;
  return { composeFile: null, config: null, services, publicChoice: { service: publicName, containerPort, evidence: 'the public service of the deployment', addPort: false }, savedRunFile: saved };
}

/** Manual rollback of a stack: check every service's image, then setup/deploy/verify/done run the release's own file. */
export async function resolveStackRelease({ docker, context, dataDir }: StackStepCall): Promise<void> {
  const release = context.state.rollbackTo;
  if (!release) throw new StepFailure('MANUAL_ROLLBACK_FAILED', 'No release was chosen to roll back to.');
  await checkReleaseImages(docker, context, release, 'MANUAL_ROLLBACK_FAILED');
  context.state.stack = rollbackStackState(context, release, dataDir, (await composeCommand()).generation);
  context.state.services = [...(release.services ?? [])];
  context.state.imageRef = release.imageRef;
  if (release.imageId) context.state.imageId = release.imageId;
  const scan = context.scanOfRelease(release);
  if (scan) context.recordScan(scan);
  context.stdout(`rolling back to release ${release.id}: ${(release.services ?? []).map((service) => `${service.name} ${service.imageRef}`).join(', ')}`);
}

/** Automatic rollback after a failed verify: every built service's previous image goes back live with the previous file. */
export async function restorePreviousStack(call: StackStepCall): Promise<void> {
  const { docker, context, dataDir } = call;
  const release = context.state.rollbackTo;
  if (!release) throw new StepFailure('AUTOMATIC_ROLLBACK_NO_CANDIDATE', 'There is no earlier release to restore.');
  context.system(`[ROLLBACK] restoring release ${release.id}: ${(release.services ?? []).map((service) => `${service.name} ${service.imageRef}`).join(', ')}`);
  await checkReleaseImages(docker, context, release, 'AUTOMATIC_ROLLBACK_FAILED');
  context.state.stack = rollbackStackState(context, release, dataDir, (await composeCommand()).generation);
  context.state.services = [...(release.services ?? [])];
  const scan = context.scanOfRelease(release);
  if (scan) context.recordScan(scan);
  await setupStack(call);
  await deployStack(call);
  try {
    await verifyStack(call);
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    throw new StepFailure('AUTOMATIC_ROLLBACK_FAILED', `Release ${release.id} was restored but did not come up: ${error.message}`, { cause: error });
  }
  const services = await observeStack(docker, context.deploymentAtStart.id, knownServices(context.state.stack));
  const publicService = services.find((service) => service.public)!;
  context.updateDeployment({ containerId: publicService.containerId, hostPort: publicService.hostPort, currentReleaseId: release.id, imageRef: release.imageRef, services });
  context.system(`[ROLLBACK] release ${release.id} is serving again at http://127.0.0.1:${publicService.hostPort}`);
}

/**
 * A run that did not complete: the env file never stays behind, and a stack that never went live (no release
 * serves: a first deploy whose verify failed, or that was stopped) is taken down, named volumes kept.
 */
export async function cleanupStackRun({ docker, context, dataDir, stopGraceMs }: StackStepCall): Promise<void> {
  const deploymentId = context.deploymentAtStart.id;
  rmSync(envFileOf(stackDirOf(dataDir, deploymentId)), { force: true });
  if (!context.state.stack?.deployed || context.deployment().currentReleaseId !== null) return;
  context.system('[CLEANUP] the stack never went live: taking it down (named volumes are kept)');
  await stopStack({ docker, dataDir, deploymentId, sourceDir: context.project.sourceDir, removeVolumes: false, stopGraceMs, system: (text) => context.system(text.replace('[STOP]', '[CLEANUP]')) });
}

// ---- stop -----------------------------------------------------------------------------------------

/** `<compose> down`: every container and the network go; named volumes stay unless the project asks. */
export async function stopStack(options: { docker: Dockerode; dataDir: string; deploymentId: string; sourceDir: string; removeVolumes: boolean; stopGraceMs: number; system: (text: string) => void }): Promise<void> {
  const { dataDir, deploymentId, system } = options;
  const dir = stackDirOf(dataDir, deploymentId);
  const runFile = runFileOf(dir);
  const project = composeProjectName(deploymentId);
  if (!existsSync(runFile)) {
    system(`[STOP] no compose file is recorded for this stack (${runFile}); removing its containers by label`);
    for (const info of await stackContainers(options.docker, project)) await options.docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined);
    return;
  }
  // The file names the env file; Compose wants it to exist even for `down`. An empty one, removed after.
  const envFile = envFileOf(dir);
  const hadEnv = existsSync(envFile);
  if (!hadEnv) writeFileSync(envFile, '', { mode: 0o600 });
  try {
    system(`[STOP] ${options.removeVolumes ? 'down --volumes: containers, network and named volumes' : 'down: containers and network (named volumes are kept; settings.compose.removeVolumesOnStop removes them)'}`);
    // Compose's own stop: SIGTERM, Berth's grace, then SIGKILL, per container.
    const result = await runCompose(['down', '--remove-orphans', '--timeout', String(Math.ceil(options.stopGraceMs / 1000)), ...(options.removeVolumes ? ['--volumes'] : [])], {
      project,
      files: [runFile],
      projectDirectory: existsSync(options.sourceDir) ? options.sourceDir : dir,
      onLine: (line) => system(`[STOP] ${line.text}`),
    });
    if (result.code !== 0) system(`[STOP] Compose's down ended with code ${result.code}`);
  } finally {
    rmSync(envFile, { force: true });
  }
}
