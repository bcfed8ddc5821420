// Where our renderer lives, which URLs are ours, and the routes a window opens on.
// A project window is the renderer at `#/projects/<id>`; the projects window is `#/`.
import { idSchema } from '../../shared/schemas';

/** Built renderer on disk (file://…/index.html), or the electron-vite dev server in development. */
export type RendererLocation = { readonly kind: 'file'; readonly indexUrl: string } | { readonly kind: 'dev'; readonly origin: string };

export type WindowRoute = { readonly kind: 'projects' } | { readonly kind: 'project'; readonly projectId: string };

/** `#/projects/<id>` and its sub-pages (e.g. `/settings`) all belong to that project's window. */
const PROJECT_ROUTE = /^#\/projects\/([^/?#]+)(?:\/[a-z-]+)?\/?$/;

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
  const hash = route.kind === 'project' ? `#/projects/${encodeURIComponent(route.projectId)}` : '#/';
  return `${base}${hash}`;
}

/** The route of one of our renderer URLs (e.g. what `window.open('#/projects/<id>')` asked for). */
export function routeFromUrl(url: string, location: RendererLocation): WindowRoute | null {
  if (!isRendererUrl(url, location)) return null;
  const hash = new URL(url).hash;
  const project = PROJECT_ROUTE.exec(hash);
  if (project?.[1]) {
    const projectId = idSchema.safeParse(safeDecode(project[1]));
    return projectId.success ? { kind: 'project', projectId: projectId.data } : null;
  }
  return hash === '' || hash === '#' || hash === '#/' ? { kind: 'projects' } : null;
}

export function windowKey(route: WindowRoute): string {
  return route.kind === 'project' ? `project:${route.projectId}` : 'projects';
}
