// Pulls an image the engine does not have, before a build that starts FROM it: a pull that cannot work (no
// network, a registry that refuses, a name that does not exist) fails here with its own reason, before the
// project folder is packed and sent, instead of partway through a build.
import type Dockerode from 'dockerode';
import { StepAborted } from '../step-failure';
import { isDockerNotFound, withDockerTimeout } from './call';
import { imageMatchesReference } from './image-reference';

interface PullMessage {
  id?: string;
  status?: string;
  error?: string;
}

/** True when the engine has an image named `reference` (Docker's match on the start of some image's ID does not count). */
export async function hasImage(docker: Dockerode, reference: string): Promise<boolean> {
  try {
    return imageMatchesReference(reference, await withDockerTimeout(docker.getImage(reference).inspect(), 'an image inspect'));
  } catch (error) {
    if (isDockerNotFound(error)) return false;
    throw error;
  }
}

/**
 * `docker pull reference`. `onStatus` hears each layer's status once per change (`Pulling fs layer`,
 * `Download complete`, …), not every progress tick. Rejects with the registry's or the engine's reason.
 */
export async function pullImage(docker: Dockerode, reference: string, options: { readonly signal: AbortSignal; readonly onStatus: (text: string) => void }): Promise<void> {
  if (options.signal.aborted) throw new StepAborted();
  const stream = (await docker.pull(reference, { abortSignal: options.signal })) as NodeJS.ReadableStream;
  const seen = new Map<string, string>();
  // The engine reports a failed pull inside the stream (the HTTP status was 200 by then).
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        if (options.signal.aborted) reject(new StepAborted('The pull was aborted by a stop request.'));
        else if (error) reject(error);
        else if (failure !== undefined) reject(new Error(failure));
        else resolve();
      },
      (message: PullMessage) => {
        if (message.error) failure ??= message.error.trim();
        if (!message.status) return;
        const key = message.id ?? '';
        if (seen.get(key) === message.status) return;
        seen.set(key, message.status);
        options.onStatus(message.id ? `${message.id}: ${message.status}` : message.status);
      },
    );
  });
}
