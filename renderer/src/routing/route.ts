// The app's screens and their addresses. Pure, so unit tests can cover the parsing.

/** The screens of the app. A desktop window per project opens `#/projects/<id>`. */
export type Route =
  | { readonly name: 'projects' }
  | { readonly name: 'new-project' }
  | { readonly name: 'alerts' }
  | { readonly name: 'settings' }
  | { readonly name: 'project'; readonly projectId: string }
  | { readonly name: 'edit-project'; readonly projectId: string }
  | { readonly name: 'not-found'; readonly hash: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/' || path.startsWith('token=')) return { name: 'projects' };
  if (path === '/new-project') return { name: 'new-project' };
  if (path === '/alerts' || path === '/alerts/') return { name: 'alerts' };
  if (path === '/settings' || path === '/settings/') return { name: 'settings' };
  const project = /^\/projects\/([A-Za-z0-9_-]+)(\/settings)?\/?$/.exec(path);
  if (project?.[1]) return project[2] ? { name: 'edit-project', projectId: project[1] } : { name: 'project', projectId: project[1] };
  return { name: 'not-found', hash };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'projects':
      return '#/';
    case 'new-project':
      return '#/new-project';
    case 'alerts':
      return '#/alerts';
    case 'settings':
      return '#/settings';
    case 'project':
      return `#/projects/${encodeURIComponent(route.projectId)}`;
    case 'edit-project':
      return `#/projects/${encodeURIComponent(route.projectId)}/settings`;
    case 'not-found':
      return route.hash;
  }
}
