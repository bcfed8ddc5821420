// The verify step's probe: GET http://127.0.0.1:<port><healthPath> until a 2xx answer, the
// container exits, or the timeout passes.
import type Dockerode from 'dockerode';
import { StepAborted } from '../../step-failure';
import { isDockerNotFound, withDockerTimeout } from '../../docker/call';

export interface ProbeAnswer {
  readonly ok: boolean;
  /** "HTTP 404 Not Found", "connection refused", … */
  readonly description: string;
}

const PROBE_TIMEOUT_MS = 2_000;
const PROBE_INTERVAL_MS = 100;

export async function probeOnce(url: string, signal: AbortSignal): Promise<ProbeAnswer> {
  try {
    const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]), redirect: 'manual' });
    await response.body?.cancel();
    return { ok: response.status >= 200 && response.status < 300, description: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` };
  } catch (error) {
    if (signal.aborted) throw new StepAborted();
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') return { ok: false, description: 'connection refused' };
    if (cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET') return { ok: false, description: 'connection reset' };
    if ((error as Error).name === 'TimeoutError') return { ok: false, description: `no answer within ${PROBE_TIMEOUT_MS / 1000} s` };
    return { ok: false, description: cause?.message ?? (error as Error).message };
  }
}

export interface ContainerCondition {
  readonly status: string;
  readonly exitCode: number | null;
  readonly restartCount: number;
  readonly oomKilled: boolean;
  /** The process died at least once: exited, dead, restarting, or restarted by its policy. */
  readonly exited: boolean;
}

export async function containerCondition(docker: Dockerode, containerId: string): Promise<ContainerCondition> {
  try {
    const { State, RestartCount } = await withDockerTimeout(docker.getContainer(containerId).inspect(), 'a container inspect');
    const exited = State.Status === 'exited' || State.Status === 'dead' || State.Restarting || RestartCount > 0;
    return { status: State.Status, exitCode: exited ? State.ExitCode : null, restartCount: RestartCount, oomKilled: State.OOMKilled, exited };
  } catch (error) {
    if (isDockerNotFound(error)) return { status: 'removed', exitCode: null, restartCount: 0, oomKilled: false, exited: true };
    throw error;
  }
}

export type WaitResult = { readonly kind: 'healthy'; readonly afterMs: number } | { readonly kind: 'exited'; readonly last: ProbeAnswer | null } | { readonly kind: 'timeout'; readonly last: ProbeAnswer | null };

/** Probes until healthy, exited or timed out. `onAnswer` hears each answer that differs from the one before. */
export async function waitForHealthy(options: {
  docker: Dockerode;
  containerId: string;
  url: string;
  timeoutMs: number;
  signal: AbortSignal;
  onAnswer: (answer: ProbeAnswer) => void;
}): Promise<WaitResult> {
  const started = Date.now();
  let last: ProbeAnswer | null = null;
  for (;;) {
    if (options.signal.aborted) throw new StepAborted();
    const answer = await probeOnce(options.url, options.signal);
    if (answer.description !== last?.description) options.onAnswer(answer);
    last = answer;
    if (answer.ok) return { kind: 'healthy', afterMs: Date.now() - started };
    const condition = await containerCondition(options.docker, options.containerId);
    if (condition.exited) return { kind: 'exited', last };
    if (Date.now() - started >= options.timeoutMs) return { kind: 'timeout', last };
    await sleep(PROBE_INTERVAL_MS, options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new StepAborted());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new StepAborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
