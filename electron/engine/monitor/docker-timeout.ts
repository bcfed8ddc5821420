/** How long one Docker API call may take before monitoring gives up on it (dockerode has no default). */
export const DOCKER_CALL_TIMEOUT_MS = 10_000;

/**
 * Bounds a Docker call: a dockerd that is shutting down can accept a request and never answer,
 * which would otherwise wedge a follower or the crash handling for good. A late answer is handed
 * to `onLate` (e.g. to destroy a stream nobody reads).
 */
export function withDockerTimeout<T>(call: Promise<T>, what: string, onLate?: (value: T) => void, ms = DOCKER_CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`Docker did not answer ${what} within ${ms} ms.`));
    }, ms);
    timer.unref();
  });
  call.then(
    (value) => {
      if (timedOut) onLate?.(value);
    },
    () => undefined,
  );
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}
