import { StepAborted } from './step-failure';

/** Waits `ms`, or rejects with StepAborted as soon as the run is stopped. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new StepAborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new StepAborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
