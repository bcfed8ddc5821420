// The build both targets run, from the run's scan: a prebuilt image is looked up, a Dockerfile project is
// built as it is, and a zero-config project (server, static, static_build) is built from the Dockerfile
// Berth generates, printed in the log first. Either build goes through the one build function
// (docker/build.ts) and its outcome is stored on the scan (`buildVerification`); a failed dependency
// install is the failure's evidence.
import type Dockerode from 'dockerode';
import type { BaseImageRole, ScanRecord } from '../../../shared';
import { stripAnsi } from '../../../shared/error-lines';
import { GENERATED_SHAPES } from '../../../shared/scan-summary';
import { buildImage, type BuildLog, type BuildResult } from '../docker/build';
import { dockerErrorText, isDockerNotFound } from '../docker/call';
import { imageMatchesReference, SHORT_IMAGE_ID_LENGTH } from '../docker/image-reference';
import { hasImage, pullImage } from '../docker/pull';
import { BASE_IMAGE_ENV, type BaseImageChoice, type Environment } from '../scan/base-images';
import { createBuildContext } from '../scan/build-context';
import { firstInstallFailureIndex, scanBuildVerification } from '../scan/build-verification';
import { GENERATED_DOCKERFILE, generateDockerfile } from '../scan/dockerfile-template';
import { StepFailure } from '../step-failure';
import type { StepContext } from './target';


export interface ProjectBuildCall {
  readonly docker: Dockerode;
  readonly context: StepContext;
  readonly tag: string;
  /** The engine's BERTH_BASE_IMAGE_* (config.baseImageEnv). */
  readonly baseImageEnv: Environment;
}

/** What the build put in `state`: the image to run, by tag and id. */
export interface ProjectImage {
  readonly imageRef: string;
  readonly imageId: string;
}

// The build's own lines, for the verification excerpt and the install evidence; enough for any real build.
const MAX_KEPT_LINES = 50_000;

export async function buildProjectImage(call: ProjectBuildCall): Promise<ProjectImage> {
  const { context } = call;
  const scan = context.state.scan;
  if (scan?.shape === 'prebuilt_image' && scan.image) return usePrebuiltImage(call, scan.image);
  if (scan && scan.shape !== null && GENERATED_SHAPES.has(scan.shape)) return buildGenerated(call, scan);
  context.stdout(`docker build -t ${call.tag} ${context.project.sourceDir}`);
  return verifiedBuild(call, scan, (log) => buildImage(call.docker, { contextDir: context.project.sourceDir, tag: call.tag, signal: context.signal, log }));
}

async function buildGenerated(call: ProjectBuildCall, scan: ScanRecord): Promise<ProjectImage> {
  const { context, tag } = call;
  const { project } = context;
  const baseImages = project.settings.build?.baseImages;
  const generated = generateDockerfile(scan, { env: call.baseImageEnv, ...(baseImages ? { baseImages } : {}) });
  context.stdout(`${GENERATED_DOCKERFILE}, generated from the scan (Berth does not write it into ${project.sourceDir}; \`berth eject\` saves it as the project's Dockerfile):`);
  context.stdout(generated.text.trimEnd());
  await ensureBaseImages(call, generated.baseImages);
  const buildContext = await createBuildContext(scan, generated.text);
  context.stdout(`docker build -t ${tag} -f ${GENERATED_DOCKERFILE} ${project.sourceDir} (${buildContext.ignores.evidence})`);
  return verifiedBuild(call, scan, (log) => buildImage(call.docker, { context: buildContext, tag, signal: context.signal, log }));
}

/** Runs the build, keeping its lines; stores the verification on the scan and points a failure at the failing install line. */
async function verifiedBuild(call: ProjectBuildCall, scan: ScanRecord | undefined, build: (log: BuildLog) => Promise<BuildResult>): Promise<ProjectImage> {
  const { context } = call;
  const lines: Array<{ lineNo: number; text: string }> = [];
  const keep = (write: (text: string) => number) => (text: string): number => {
    const lineNo = write(text);
    if (lines.length < MAX_KEPT_LINES) lines.push({ lineNo, text });
    return lineNo;
  };
  const started = Date.now();
  let result: BuildResult;
  try {
    result = await build({ stdout: keep(context.stdout), stderr: keep(context.stderr) });
  } catch (error) {
    if (!(error instanceof StepFailure) || error.code !== 'DOCKER_IMAGE_BUILD_FAILED') throw error;
    const texts = lines.map((line) => line.text);
    if (scan) context.recordScan({ ...scan, buildVerification: scanBuildVerification('failed', texts) });
    const install = firstInstallFailureIndex(texts);
    if (install === -1) throw error;
    throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', installFailureCause(scan, lines[install]!.text), { evidenceLineNo: lines[install]!.lineNo, cause: error });
  }
  if (scan) context.recordScan({ ...scan, buildVerification: scanBuildVerification('passed', []) });
  context.stdout(`built ${result.imageId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { imageRef: result.tag, imageId: result.imageId };
}

function installFailureCause(scan: ScanRecord | undefined, line: string): string {
  const files = scan && scan.dependencyFiles.length > 0 ? scan.dependencyFiles.join(', ') : 'the dependency manifest';
  return `Installing the dependencies failed: "${stripAnsi(line).trim()}". A package or version named in ${files} could not be installed (misspelt, not published, or not reachable from the build); fix it there and deploy again.`;
}

/** The base images a generated Dockerfile starts FROM, pulled first when the engine lacks them. */
async function ensureBaseImages({ docker, context }: ProjectBuildCall, choices: readonly BaseImageChoice[]): Promise<void> {
  const pulled = new Set<string>();
  for (const choice of choices) {
    if (pulled.has(choice.image) || (await hasImage(docker, choice.image))) continue;
    pulled.add(choice.image);
    context.stdout(`pulling ${choice.image}: ${choice.evidence}`);
    try {
      await pullImage(docker, choice.image, { signal: context.signal, onStatus: (text) => context.stdout(`  ${text}`) });
    } catch (error) {
      if (context.signal.aborted) throw error;
      const text = dockerErrorText(error);
      const line = context.stderr(`error: could not pull the base image ${choice.image}: ${text}`);
      throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', `The ${choice.role} base image ${choice.image} is not on this Docker engine and pulling it failed (${text}). Check the network and the name, or point ${whereToSet(choice.role)} at an image this engine has.`, {
        evidenceLineNo: line,
        cause: error,
      });
    }
  }
}

const whereToSet = (role: BaseImageRole): string => `${BASE_IMAGE_ENV[role]} (or the project's build.baseImages.${role})`;

/** `settings.image`: the image must be on the engine, named as such (a prefix of some image's ID is refused). */
async function usePrebuiltImage({ docker, context }: ProjectBuildCall, reference: string): Promise<ProjectImage> {
  try {
    const image = await docker.getImage(reference).inspect();
    if (!imageMatchesReference(reference, image)) {
      const line = context.stderr(`error: no image is named ${reference}; Docker matched it to the start of the ID of ${image.Id}`);
      throw new StepFailure(
        'DOCKER_IMAGE_BUILD_FAILED',
        `No image on this Docker engine is named ${reference}: Docker would take it as the start of an unrelated image's ID. Set the image setting to a name (name:tag) or an ID of at least ${SHORT_IMAGE_ID_LENGTH} characters, as \`docker images\` prints it.`,
        { evidenceLineNo: line },
      );
    }
    context.stdout(`using prebuilt image ${reference} (${image.Id})`);
    return { imageRef: reference, imageId: image.Id };
  } catch (error) {
    if (!isDockerNotFound(error)) throw error;
    const line = context.stderr(`error: image ${reference} is not on the Docker engine`);
    throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', `The image ${reference} is not on this Docker engine and Berth does not pull images. Load or build it (docker load / docker build -t ${reference}) and deploy again.`, {
      evidenceLineNo: line,
    });
  }
}
