import type { Deployment, Notification } from '../../../shared';
import { newId } from '../store/ids';
import type { EventsPort, ProjectsPort } from '../context';

export type NotificationKind = Notification['kind'];

export interface NotifierOptions {
  /** Crashes closer together than this belong to one crash loop. */
  readonly crashLoopWindowMs?: number;
  readonly now?: () => number;
}

export const DEFAULT_CRASH_LOOP_WINDOW_MS = 10 * 60_000;

interface CrashHistory {
  lastCrashAt: number;
  crashes: number;
  loopReported: boolean;
}

/**
 * Decides which monitoring events become notifications (the Electron shell and the browser only
 * display them). Honours each project's `muteNotifications`, and folds repeated crashes into one
 * "crash loop" notification instead of a storm.
 */
export class Notifier {
  private readonly crashLoopWindowMs: number;
  private readonly now: () => number;
  private readonly crashes = new Map<string, CrashHistory>();

  constructor(
    private readonly projects: ProjectsPort,
    private readonly events: EventsPort,
    options: NotifierOptions = {},
  ) {
    this.crashLoopWindowMs = options.crashLoopWindowMs ?? DEFAULT_CRASH_LOOP_WINDOW_MS;
    this.now = options.now ?? Date.now;
  }

  /** A container died. Returns the notification sent, or null (muted, or part of a reported loop). */
  crashed(deployment: Deployment, exitCode: number | null, oom: boolean): Notification | null {
    const at = this.now();
    const history = this.crashes.get(deployment.id);
    if (!history || at - history.lastCrashAt > this.crashLoopWindowMs) {
      this.crashes.set(deployment.id, { lastCrashAt: at, crashes: 1, loopReported: false });
      const exit = exitCode === null ? 'an unknown code' : String(exitCode);
      return oom
        ? this.notify('oom', deployment, `${deployment.projectName} was killed: out of memory`, `The container used its whole memory limit and was OOM-killed (exit ${exit}).`)
        : this.notify('crash', deployment, `${deployment.projectName} crashed`, `The container exited with ${exit}.`);
    }
    history.lastCrashAt = at;
    history.crashes += 1;
    if (history.loopReported) return null;
    history.loopReported = true;
    return this.notify(
      'crash_loop',
      deployment,
      `${deployment.projectName} is crash-looping`,
      `It crashed ${history.crashes} times within ${Math.round(this.crashLoopWindowMs / 60_000)} minutes. Further crashes will not be announced until it stays up.`,
    );
  }

  unhealthy(deployment: Deployment, failures: number): Notification | null {
    return this.notify('unhealthy', deployment, `${deployment.projectName} is not answering`, `The health probe failed ${failures} times in a row. The container is still running.`);
  }

  recovered(deployment: Deployment): Notification | null {
    return this.notify('recovered', deployment, `${deployment.projectName} recovered`, 'The health probe answers again.');
  }

  /** Sends one notification unless the deployment's project is muted. */
  notify(kind: NotificationKind, deployment: Deployment, title: string, body: string): Notification | null {
    const project = this.projects.get(deployment.projectId);
    if (project?.settings.muteNotifications) return null;
    const notification: Notification = {
      id: newId('ntf'),
      kind,
      projectId: deployment.projectId,
      deploymentId: deployment.id,
      title,
      body,
      at: new Date(this.now()).toISOString(),
    };
    this.events.emit('notification', notification);
    return notification;
  }
}
