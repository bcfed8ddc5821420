// `docker build` through dockerode: the project directory is the context (dockerode's
// `{context, src}` form applies .dockerignore), the classic builder is used (so the layer cache
// makes redeploys fast), and every output line goes to the run log as it arrives.
import { readdirSync } from 'node:fs';
import type Dockerode from 'dockerode';
import { StepAborted, StepFailure } from '../../pipeline/target';

export interface BuildLog {
  stdout(text: string): number;
  stderr(text: string): number;
}

export interface BuildResult {
  readonly imageId: string;
  readonly tag: string;
}

interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

/** Splits a chunked text stream into whole lines; keeps the partial tail until more arrives. */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) this.onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  }

  end(): void {
    if (this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}

export async function buildImage(docker: Dockerode, options: { contextDir: string; tag: string; signal: AbortSignal; log: BuildLog }): Promise<BuildResult> {
  const { contextDir, tag, signal, log } = options;
  if (signal.aborted) throw new StepAborted();
  const src = readdirSync(contextDir);
  let imageId: string | undefined;
  let errorLineNo: number | undefined;
  let errorMessage: string | undefined;
  const output = new LineSplitter((line) => {
    if (line.trim() !== '') log.stdout(line);
  });

  const stream = await docker.buildImage({ context: contextDir, src }, { t: tag, rm: true, forcerm: true, abortSignal: signal });
  await new Promise<void>((resolve, reject) => {
    const messages = new LineSplitter((raw) => {
      if (raw.trim() === '') return;
      let message: BuildMessage;
      try {
        message = JSON.parse(raw) as BuildMessage;
      } catch {
        output.push(`${raw}\n`);
        return;
      }
      if (message.stream) output.push(message.stream);
      else if (message.status) output.push(`${message.status}\n`);
      if (message.aux?.ID) imageId = message.aux.ID;
      if (message.error) {
        output.end();
        errorMessage = message.error.trim();
        errorLineNo = log.stderr(errorMessage);
      }
    });
    const onAbort = (): void => {
      (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
      reject(new StepAborted('The build was aborted by a stop request.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => messages.push(chunk.toString('utf8')));
    stream.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(signal.aborted ? new StepAborted('The build was aborted by a stop request.') : error);
    });
    stream.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      messages.end();
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
