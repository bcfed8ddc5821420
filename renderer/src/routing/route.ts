// The app's screens and their addresses. Pure, so unit tests can cover the parsing.
import { lineLinkQuery, readLineLinkQuery } from '../../../shared/log-link';

/** The screens of the app. A desktop window per project opens `#/projects/<id>`. */
export type Route =
  | { readonly name: 'projects' }
  | { readonly name: 'new-project' }
  | { readonly name: 'alerts' }
  | { readonly name: 'settings' }
  | ProjectRoute
  | { readonly name: 'edit-project'; readonly projectId: string }
  | { readonly name: 'not-found'; readonly hash: string };

/**
 * A project's window. With `deploymentId` (and `lineNo`) it is a link to a log line
 * (docs/product-rules.md, "Links to a log line"): that deployment's log, scrolled to the line and marked.
 */
export interface ProjectRoute {
  readonly name: 'project';
  readonly projectId: string;
  readonly deploymentId?: string;
  readonly lineNo?: number;
  /** Why the link's query was ignored (the project opens normally), for a notice. */
  readonly linkProblem?: string;
}

function projectRoute(projectId: string, query: string | undefined): ProjectRoute {
  if (query === undefined || query === '') return { name: 'project', projectId };
  const reading = readLineLinkQuery(query);
  if (!reading.ok) return { name: 'project', projectId, linkProblem: reading.error };
  return {
    name: 'project',
    projectId,
    ...(reading.deploymentId !== undefined ? { deploymentId: reading.deploymentId } : {}),
    ...(reading.lineNo !== undefined ? { lineNo: reading.lineNo } : {}),
  };
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const line = /^\/projects\/([A-Za-z0-9_-]+)\/?\?(.*)$/.exec(path);
  if (line?.[1]) return projectRoute(line[1], line[2]);
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
    case 'project': {
      const query = lineLinkQuery(route);
      return `#/projects/${encodeURIComponent(route.projectId)}${query ? `?${query}` : ''}`;
    }
    case 'edit-project':
      return `#/projects/${encodeURIComponent(route.projectId)}/settings`;
    case 'not-found':
      return route.hash;
  }
}
