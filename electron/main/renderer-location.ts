// Where our renderer lives, which URLs are ours, and the routes a window opens on.
// A project window is the renderer at `#/projects/<id>` (and its sub-pages); every other page
// (`#/`, `#/new-project`, …) belongs to the projects window.
import { idSchema } from '../../shared/schemas';

/** Built renderer on disk (file://…/index.html), or the electron-vite dev server in development. */
export type RendererLocation = { readonly kind: 'file'; readonly indexUrl: string } | { readonly kind: 'dev'; readonly origin: string };

/** Which window, plus (optionally) the page it should show, as a renderer hash such as `#/projects/<id>/settings`. */
export type WindowRoute =
  | { readonly kind: 'projects'; readonly page?: string }
  | { readonly kind: 'project'; readonly projectId: string; readonly page?: string };

/** `#/projects/<id>` and its sub-pages (e.g. `/settings`) all belong to that project's window; a link to a line adds a query. */
const PROJECT_ROUTE = /^#\/projects\/([^/?#]+)(?:\/[a-z-]+)?\/?(?:\?[^#]*)?$/;
/** The hashes we pass on to a window: plain renderer paths, and a line link's `?deployment=…&line=…`. */
const PAGE = /^#\/[A-Za-z0-9_\-/]{0,200}(?:\?[A-Za-z0-9_=&]{0,200})?$/;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

export function rendererLocationFrom(options: { readonly devServerUrl: string | undefined; readonly indexFileUrl: string }): RendererLocation {
  const dev = options.devServerUrl ? parse(options.devServerUrl) : null;
  return dev ? { kind: 'dev', origin: dev.origin } : { kind: 'file', indexUrl: options.indexFileUrl };
}

/** True only for our own renderer page (any route), never for another file or origin. */
export function isRendererUrl(url: string, location: RendererLocation): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (location.kind === 'dev') return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === location.origin;
  const index = new URL(location.indexUrl);
  return parsed.protocol === 'file:' && parsed.pathname === index.pathname && parsed.search === '';
}

export function routeUrl(location: RendererLocation, route: WindowRoute): string {
  const base = location.kind === 'dev' ? `${location.origin}/` : location.indexUrl;
  const hash = route.page && PAGE.test(route.page) ? route.page : route.kind === 'project' ? `#/projects/${encodeURIComponent(route.projectId)}` : '#/';
  return `${base}${hash}`;
}

/** The route of one of our renderer URLs (e.g. what `window.open('#/projects/<id>')` asked for). */
export function routeFromUrl(url: string, location: RendererLocation): WindowRoute | null {
  if (!isRendererUrl(url, location)) return null;
  const hash = new URL(url).hash;
  const project = PROJECT_ROUTE.exec(hash);
  if (project?.[1]) {
    const projectId = idSchema.safeParse(safeDecode(project[1]));
    return projectId.success ? { kind: 'project', projectId: projectId.data, page: hash } : null;
  }
  if (hash === '' || hash === '#' || hash === '#/') return { kind: 'projects' };
  return PAGE.test(hash) && !hash.startsWith('#/projects/') ? { kind: 'projects', page: hash } : null;
}

export function windowKey(route: WindowRoute): string {
  return route.kind === 'project' ? `project:${route.projectId}` : 'projects';
}
