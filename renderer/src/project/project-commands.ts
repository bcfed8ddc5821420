// The open project's commands in the palette: pure, so a unit test can check what is offered when.
import type { Project } from '../../../shared';
import type { Command } from '../commands/command';

export interface ProjectCommandInput<Tab extends string> {
  readonly project: Project;
  readonly hasDeployment: boolean;
  /** Why a deploy cannot start now (a run in progress, an action pending), or null. */
  readonly deployBlocked: string | null;
  /** The project's tabs, in order. */
  readonly tabs: readonly Tab[];
  readonly onDeploy: () => void;
  readonly onShowTab: (tab: Tab) => void;
  readonly onOpenSettings: () => void;
}

export function projectCommands<Tab extends string>(input: ProjectCommandInput<Tab>): Command[] {
  const { project } = input;
  const group = 'This project' as const;
  return [
    {
      id: 'project:deploy',
      group,
      title: `${input.hasDeployment ? 'Redeploy' : 'Deploy'} ${project.name}`,
      keywords: 'deploy redeploy release build',
      ...(input.deployBlocked ? { disabledReason: input.deployBlocked } : {}),
      run: input.onDeploy,
    },
    ...input.tabs.map((tab) => ({ id: `project:tab:${tab}`, group, title: `Show ${tab}`, keywords: `tab ${project.name}`, run: () => input.onShowTab(tab) })),
    { id: 'project:settings', group, title: `${project.name} settings`, keywords: 'settings edit configure', run: input.onOpenSettings },
  ];
}
