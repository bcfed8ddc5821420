import { describe, expect, it, vi } from 'vitest';
import type { Deployment, DeploymentStatus, Project } from '../../../shared';
import { buildTrayMenu, summarizeTray, trayIconFile, type TrayMenuItem } from '../../../electron/main/tray-menu';

function project(id: string, name: string): Project {
  return {
    id,
    name,
    slug: name,
    sourceDir: `/src/${name}`,
    target: 'docker',
    settings: {} as Project['settings'],
    createdAt: '2026-11-21T00:00:00.000Z',
    updatedAt: '2026-11-21T00:00:00.000Z',
  };
}

function deployment(projectId: string, status: DeploymentStatus, target: Deployment['target'] = 'docker'): Deployment {
  return {
    id: `dep_${projectId}_${target}`,
    projectId,
    projectName: projectId,
    slug: projectId,
    target,
    status,
    health: 'unknown',
    containerId: null,
    taskArn: null,
    hostPort: null,
    publicUrl: null,
    imageRef: null,
    currentReleaseId: null,
    lastExitCode: null,
    healthCheck: null,
    createdAt: '2026-11-21T00:00:00.000Z',
    startedAt: null,
    updatedAt: '2026-11-21T00:00:00.000Z',
    lastLineNo: 0,
  };
}

const labels = (items: TrayMenuItem[]) => items.map((item) => (item.type === 'separator' ? '---' : item.label));

describe('tray menu', () => {
  const projects = [project('prj_api', 'api'), project('prj_web', 'web'), project('prj_new', 'new'), project('prj_job', 'job')];
  const deployments = [
    deployment('prj_api', 'running'),
    deployment('prj_web', 'running'),
    deployment('prj_web', 'crashed', 'ecs'),
    deployment('prj_job', 'unreachable'),
  ];

  it('lists projects with their worst deployment status, what needs attention first', () => {
    const actions = { openProjects: vi.fn(), openProject: vi.fn(), quit: vi.fn() };
    const items = buildTrayMenu(projects, deployments, actions);
    expect(labels(items)).toEqual(['Open Berth', '---', 'web — crashed', 'job — unreachable', 'api — running', 'new — not deployed', '---', 'Quit Berth']);
  });

  it('opens the project window when its item is clicked', () => {
    const actions = { openProjects: vi.fn(), openProject: vi.fn(), quit: vi.fn() };
    const items = buildTrayMenu(projects, deployments, actions);
    const job = items.find((item) => item.type === 'normal' && item.label.startsWith('job'));
    if (job?.type !== 'normal') throw new Error('no item for job');
    job.click?.();
    expect(actions.openProject).toHaveBeenCalledWith('prj_job');
    const quit = items.at(-1);
    if (quit?.type === 'normal') quit.click?.();
    expect(actions.quit).toHaveBeenCalledOnce();
  });

  it('says so when there are no projects', () => {
    const items = buildTrayMenu([], [], { openProjects: vi.fn(), openProject: vi.fn(), quit: vi.fn() });
    expect(labels(items)).toEqual(['Open Berth', '---', 'No projects yet', '---', 'Quit Berth']);
    expect(items[2]).toMatchObject({ enabled: false });
  });

  it('shows the worst status across all projects in the icon and tooltip', () => {
    expect(summarizeTray(projects, deployments)).toMatchObject({ worst: 'crashed', tone: 'error' });
    expect(summarizeTray(projects, deployments).tooltip).toBe('Berth: web crashed, job unreachable');
    expect(summarizeTray(projects, [deployment('prj_api', 'running'), deployment('prj_job', 'degraded')])).toMatchObject({ worst: 'degraded', tone: 'warning' });
    expect(summarizeTray(projects, [deployment('prj_api', 'running')])).toMatchObject({ tone: 'ok', tooltip: 'Berth: 4 projects, nothing needs attention' });
    expect(summarizeTray([], [])).toMatchObject({ worst: null, tone: 'idle', tooltip: 'Berth: no projects yet' });
    // A deployment whose project is gone does not colour the icon.
    expect(summarizeTray([project('prj_api', 'api')], [deployment('prj_gone', 'crashed')])).toMatchObject({ tone: 'idle' });
    expect(trayIconFile('error')).toBe('tray-error.png');
  });
});
