// What the tray shows: an icon for the worst status across all projects, and a menu listing
// projects with their statuses. Pure functions; index.ts turns them into Electron's Tray and Menu.
import { statusTone, worstStatus, type StatusTone } from '../../shared/deployment-status';
import type { Deployment, Project } from '../../shared/schemas';
import type { DeploymentStatus } from '../../shared/vocabulary';

/** A plain description of a menu item (a subset of Electron's MenuItemConstructorOptions). */
export type TrayMenuItem =
  | { readonly type: 'separator' }
  | { readonly type: 'normal'; readonly label: string; readonly enabled: boolean; readonly click?: () => void; readonly toolTip?: string };

export interface TrayActions {
  readonly openProjects: () => void;
  readonly openProject: (projectId: string) => void;
  readonly quit: () => void;
}

export interface TraySummary {
  readonly tone: StatusTone;
  readonly worst: DeploymentStatus | null;
  readonly tooltip: string;
}

const STATUS_LABELS: Readonly<Record<DeploymentStatus, string>> = {
  pending: 'pending',
  deploying: 'deploying',
  running: 'running',
  failed: 'failed',
  degraded: 'degraded',
  unreachable: 'unreachable',
  paused: 'paused',
  stopped: 'stopped',
  crashed: 'crashed',
};

/** A project's status is the worst of its deployments (one per target). */
export function projectStatus(projectId: string, deployments: readonly Deployment[]): DeploymentStatus | null {
  return worstStatus(deployments.filter((deployment) => deployment.projectId === projectId).map((deployment) => deployment.status));
}

export function summarizeTray(projects: readonly Project[], deployments: readonly Deployment[]): TraySummary {
  const known = new Set(projects.map((project) => project.id));
  const worst = worstStatus(deployments.filter((deployment) => known.has(deployment.projectId)).map((deployment) => deployment.status));
  const tone = statusTone(worst);
  const attention = projects.filter((project) => {
    const status = projectStatus(project.id, deployments);
    return status !== null && statusTone(status) !== 'ok' && statusTone(status) !== 'idle';
  });
  const tooltip =
    projects.length === 0
      ? 'Berth: no projects yet'
      : attention.length === 0
        ? `Berth: ${projects.length} project${projects.length === 1 ? '' : 's'}, nothing needs attention`
        : `Berth: ${attention.map((project) => `${project.name} ${STATUS_LABELS[projectStatus(project.id, deployments)!]}`).join(', ')}`;
  return { tone, worst, tooltip };
}

/** Worst first, then by name, so what needs attention is at the top. */
export function buildTrayMenu(projects: readonly Project[], deployments: readonly Deployment[], actions: TrayActions): TrayMenuItem[] {
  const rows = projects
    .map((project) => ({ project, status: projectStatus(project.id, deployments) }))
    .sort((a, b) => toneRank(b.status) - toneRank(a.status) || a.project.name.localeCompare(b.project.name));
  const projectItems: TrayMenuItem[] =
    rows.length === 0
      ? [{ type: 'normal', label: 'No projects yet', enabled: false }]
      : rows.map(({ project, status }) => ({
          type: 'normal',
          label: `${project.name} — ${status === null ? 'not deployed' : STATUS_LABELS[status]}`,
          enabled: true,
          toolTip: project.sourceDir,
          click: () => actions.openProject(project.id),
        }));
  return [
    { type: 'normal', label: 'Open Berth', enabled: true, click: actions.openProjects },
    { type: 'separator' },
    ...projectItems,
    { type: 'separator' },
    { type: 'normal', label: 'Quit Berth', enabled: true, click: actions.quit },
  ];
}

const TONE_RANK: Readonly<Record<StatusTone, number>> = { error: 3, warning: 2, ok: 1, idle: 0 };

function toneRank(status: DeploymentStatus | null): number {
  return TONE_RANK[statusTone(status)];
}

/** The icon file for each tone, in resources/. */
export function trayIconFile(tone: StatusTone): string {
  return `tray-${tone}.png`;
}
