// In the desktop app each project has its own window. A link from the projects window
// to a project, or back, asks the main process to open or focus that window (window.open is
// turned into that by the main process); in the browser it is an ordinary in-page link.
import type { BerthApi } from '../../../shared';
import type { Route } from './route';

/** Which window a screen belongs to: a project's pages share its window, the rest is the projects window. */
export function windowOf(route: Route): string {
  return route.name === 'project' || route.name === 'edit-project' ? `project:${route.projectId}` : 'projects';
}

export function opensOwnWindow(transport: BerthApi['transport'], current: Route, target: Route): boolean {
  return transport === 'ipc' && windowOf(current) !== windowOf(target);
}
