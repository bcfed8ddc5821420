import { describe, expect, it } from 'vitest';
import { opensOwnWindow, windowOf } from '../../../renderer/src/routing/window-routing';

describe('one desktop window per project', () => {
  const list = { name: 'projects' } as const;
  const project = { name: 'project', projectId: 'prj_a' } as const;
  const settings = { name: 'edit-project', projectId: 'prj_a' } as const;
  const other = { name: 'project', projectId: 'prj_b' } as const;

  it('groups a project and its settings in one window, and the rest in the projects window', () => {
    expect(windowOf(project)).toBe(windowOf(settings));
    expect(windowOf(list)).toBe(windowOf({ name: 'new-project' }));
    expect(windowOf(project)).not.toBe(windowOf(other));
  });

  it('opens another window only in the desktop app and only across windows', () => {
    expect(opensOwnWindow('ipc', list, project)).toBe(true);
    expect(opensOwnWindow('ipc', project, list)).toBe(true);
    expect(opensOwnWindow('ipc', project, other)).toBe(true);
    expect(opensOwnWindow('ipc', project, settings)).toBe(false);
    expect(opensOwnWindow('ipc', list, { name: 'new-project' })).toBe(false);
    expect(opensOwnWindow('http', list, project)).toBe(false);
  });
});
