// Whether a container is serving: its health URL probed with the one health rule (health/probe.ts)
// until it answers, the container exits, or the time is up.
import type Dockerode from 'dockerode';
import type { HealthCheckRule } from '../../../../shared';
import { isDockerNotFound, withDockerTimeout } from '../../docker/call';
import { probeUntilHealthy, type ProbeResult, type VerifyOutcome } from '../../health/probe';

/** Pause between verify probes: a container that comes up is put live within a tenth of a second. */
const PROBE_INTERVAL_MS = 100;
const PROBE_TIMEOUT_MS = 2_000;

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

/** Probes `url` until healthy, until the container exits (`gave-up`), or until `timeoutMs`. `onAnswer` hears each answer that differs from the one before. */
export async function waitUntilServing(options: {
  readonly docker: Dockerode;
  readonly containerId: string;
  readonly url: string;
  readonly rule: HealthCheckRule;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly onAnswer: (answer: ProbeResult) => void;
}): Promise<VerifyOutcome> {
  let last: string | undefined;
  return probeUntilHealthy({
    url: options.url,
    rule: options.rule,
    timeoutMs: options.timeoutMs,
    intervalMs: PROBE_INTERVAL_MS,
    probeTimeoutMs: PROBE_TIMEOUT_MS,
    signal: options.signal,
    onResult: (result) => {
      if (result.description !== last) options.onAnswer(result);
      last = result.description;
    },
    giveUp: async () => (await containerCondition(options.docker, options.containerId)).exited,
  });
}
