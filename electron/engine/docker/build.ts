// `docker build` through dockerode, the one build function of both targets: the context is the project
// folder packed as the docker CLI packs it (its .dockerignore applied), or a context prepared by the caller
// (a zero-config build's, with its generated Dockerfile). The classic builder is used, so the layer cache
// makes redeploys fast, and every output line goes to the run log as it arrives (a RUN step's stderr as
// stderr, see build-output.ts).
import type Dockerode from 'dockerode';
import { createFolderContext, type PreparedBuildContext } from '../scan/build-context';
import { StepAborted, StepFailure } from '../step-failure';
import { BuildOutputParser } from './build-output';

export interface BuildLog {
  stdout(text: string): number;
  stderr(text: string): number;
}

export interface BuildResult {
  readonly imageId: string;
  readonly tag: string;
}

/** The folder with its own Dockerfile, or a prepared context. */
export type BuildSource = { readonly contextDir: string; readonly dockerfile?: string } | { readonly context: PreparedBuildContext };

/** What else a build may ask of the engine (a Compose service's `build` keys, see engineBuildOf). */
export interface BuildExtras {
  readonly labels?: Readonly<Record<string, string>>;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly target?: string | null;
  readonly network?: string | null;
}

export async function buildImage(docker: Dockerode, options: BuildSource & BuildExtras & { tag: string; signal: AbortSignal; log: BuildLog }): Promise<BuildResult> {
  const { tag, signal, log, labels, buildArgs, target, network } = options;
  if (signal.aborted) throw new StepAborted();
  const context = 'context' in options ? options.context : await createFolderContext(options.contextDir, options.dockerfile);
  let imageId: string | undefined;
  let errorLineNo: number | undefined;
  let errorMessage: string | undefined;
  // Build output arrives as JSON messages whose `stream` text holds partial lines; a RUN step's stderr
  // comes wrapped in ESC[91m … ESC[0m and is stored as stderr (build-output.ts).
  const output = new BuildOutputParser({
    line: (line) => (line.stream === 'stderr' ? log.stderr(line.text) : log.stdout(line.text)),
    imageId: (id) => {
      imageId = id;
    },
    error: (message) => {
      errorMessage = message;
      errorLineNo = log.stderr(message);
    },
  });

  // A file that cannot be read while packing ends the build with what it was.
  let packError: Error | undefined;
  const packFailed = new Promise<never>((_, reject) => {
    context.stream.once('error', (error: Error) => {
      packError = error;
      reject(new StepFailure('DOCKER_IMAGE_BUILD_FAILED', `Berth could not read the project folder to send it to Docker: ${error.message}. Make the file readable, or leave it out with a .dockerignore, and deploy again.`, { cause: error }));
    });
  });
  packFailed.catch(() => undefined);
  const buildOptions = {
    t: tag,
    dockerfile: context.dockerfile,
    rm: true,
    forcerm: true,
    abortSignal: signal,
    ...(labels ? { labels: { ...labels } } : {}),
    ...(buildArgs && Object.keys(buildArgs).length > 0 ? { buildargs: { ...buildArgs } } : {}),
    ...(target ? { target } : {}),
    ...(network ? { networkmode: network } : {}),
  };
  const stream = await Promise.race([docker.buildImage(context.stream, buildOptions), packFailed]);
  await new Promise<void>((resolve, reject) => {
    void packFailed.catch((error: unknown) => {
      (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
      reject(error);
    });
    const onAbort = (): void => {
      (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
      reject(new StepAborted('The build was aborted by a stop request.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => output.push(chunk));
    stream.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      if (packError) return; // already rejected with the reason
      reject(signal.aborted ? new StepAborted('The build was aborted by a stop request.') : error);
    });
    stream.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      output.end();
      resolve();
    });
  });

  if (errorMessage !== undefined) {
    // Evidence is the step's first error line (often the app's own message before the non-zero
    // code); the engine's error line is the fallback when nothing earlier reads as an error.
    throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', `The Dockerfile did not build: ${errorMessage}. Fix the failing instruction (see the evidence line) and deploy again.`, {
      ...(errorLineNo !== undefined ? { fallbackEvidenceLineNo: errorLineNo } : {}),
    });
  }
  // The aux message carries the id; fall back to inspecting the tag (older engines omit aux).
  const inspected = await docker.getImage(tag).inspect();
  return { imageId: imageId ?? inspected.Id, tag };
}
