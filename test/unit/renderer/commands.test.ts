import { describe, expect, it, vi } from 'vitest';
import type { Project } from '../../../shared';
import type { Command } from '../../../renderer/src/commands/command';
import { globalShortcut } from '../../../renderer/src/commands/global-shortcut';
import { matchCommands } from '../../../renderer/src/commands/match-commands';
import { projectCommands } from '../../../renderer/src/project/project-commands';

const command = (id: string, title: string, group: Command['group'] = 'Berth', keywords?: string): Command => ({ id, title, group, ...(keywords ? { keywords } : {}), run: () => undefined });

describe('matchCommands', () => {
  const commands = [
    command('new', 'New project', 'Berth', 'add create'),
    command('open-shop', 'Open shop-api', 'Projects', 'project shop-api docker'),
    command('open-billing', 'Open billing', 'Projects', 'project billing ecs'),
    command('deploy', 'Redeploy billing', 'This project', 'deploy redeploy release'),
    command('logs', 'Show logs', 'This project'),
    command('settings', 'billing settings', 'This project', 'settings edit open'),
  ];
  const ids = (query: string) => matchCommands(commands, query).map((match) => match.id);

  it('lists everything for an empty query, this project first, then projects, then Berth', () => {
    expect(ids('')).toEqual(['deploy', 'logs', 'settings', 'open-shop', 'open-billing', 'new']);
    expect(ids('   ')).toEqual(ids(''));
  });

  it('puts a title that starts with the query first, then word starts, then matches anywhere', () => {
    // "open": the two titles that start with it come before this project's command that only has it as a keyword.
    expect(ids('open')).toEqual(['open-shop', 'open-billing', 'settings']);
    expect(ids('open b')).toEqual(['open-billing', 'settings']);
    // "bill": a title start first, then word starts (this project before projects).
    expect(ids('bill')).toEqual(['settings', 'deploy', 'open-billing']);
    // "api" starts a word after the dash in shop-api.
    expect(ids('api')).toEqual(['open-shop']);
    // "illi" is inside "billing" only.
    expect(ids('illi')).toEqual(['deploy', 'settings', 'open-billing']);
  });

  it('matches keywords, ignores case, and needs every word', () => {
    expect(ids('ECS')).toEqual(['open-billing']);
    expect(ids('create')).toEqual(['new']);
    expect(ids('open ecs')).toEqual(['open-billing']);
    expect(ids('open nothing')).toEqual([]);
  });
});

describe('globalShortcut', () => {
  const press = (key: string, modifiers: { ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; inTextField?: boolean } = {}) =>
    globalShortcut({ key, ctrlKey: false, metaKey: false, altKey: false, inTextField: false, ...modifiers });

  it('opens the palette with Ctrl+K or Cmd+K, even in a text field', () => {
    expect(press('k', { ctrlKey: true })).toBe('palette');
    expect(press('K', { metaKey: true })).toBe('palette');
    expect(press('k', { ctrlKey: true, inTextField: true })).toBe('palette');
    expect(press('k', { ctrlKey: true, altKey: true })).toBeNull();
    expect(press('k')).toBeNull();
  });

  it('shows the shortcuts with ?, but not while typing in a field or with a modifier', () => {
    expect(press('?')).toBe('shortcuts');
    expect(press('?', { inTextField: true })).toBeNull();
    expect(press('?', { ctrlKey: true })).toBeNull();
    expect(press('/')).toBeNull();
  });
});

describe('projectCommands', () => {
  const project = { id: 'prj_1', name: 'billing', slug: 'billing', sourceDir: '/src/billing', target: 'docker' } as Project;
  const handlers = () => ({ onDeploy: vi.fn(), onShowTab: vi.fn(), onOpenSettings: vi.fn() });

  it('offers deploy (redeploy once deployed), a command per tab, and the settings', () => {
    const on = handlers();
    const commands = projectCommands({ project, hasDeployment: true, deployBlocked: null, tabs: ['logs', 'metrics', 'history'], ...on });
    expect(commands.map((entry) => entry.title)).toEqual(['Redeploy billing', 'Show logs', 'Show metrics', 'Show history', 'billing settings']);
    expect(commands.every((entry) => entry.group === 'This project')).toBe(true);
    commands[2]!.run();
    expect(on.onShowTab).toHaveBeenCalledWith('metrics');
    commands[0]!.run();
    expect(on.onDeploy).toHaveBeenCalledOnce();
    expect(projectCommands({ project, hasDeployment: false, deployBlocked: null, tabs: [], ...on })[0]!.title).toBe('Deploy billing');
  });

  it('says why deploy cannot run while a run is in progress', () => {
    const [deploy] = projectCommands({ project, hasDeployment: true, deployBlocked: 'a run is in progress', tabs: [], ...handlers() });
    expect(deploy!.disabledReason).toBe('a run is in progress');
  });
});
