// Window-open and navigation decisions. Our windows only ever show our renderer; everything else is
// denied, and http(s) links go to the user's browser.
import { routeFromUrl, isRendererUrl, type RendererLocation, type WindowRoute } from './renderer-location';

export interface NavigationActions {
  /** Opens a web link in the user's browser (shell.openExternal). */
  readonly openExternal: (url: string) => void;
  /** Opens or focuses one of our windows (e.g. a project window asked for by `window.open('#/projects/<id>')`). */
  readonly openRoute: (route: WindowRoute) => void;
}

export function isWebLink(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * setWindowOpenHandler: never lets the renderer create a window itself. A request for one of our
 * routes opens (or focuses) that Berth window; a web link opens externally; anything else is dropped.
 */
export function handleWindowOpen(url: string, location: RendererLocation, actions: NavigationActions): { action: 'deny' } {
  const route = routeFromUrl(url, location);
  if (route) actions.openRoute(route);
  else if (!isRendererUrl(url, location) && isWebLink(url)) actions.openExternal(url);
  return { action: 'deny' };
}

/** will-navigate: staying on our renderer is allowed; leaving it is prevented (web links open externally). */
export function handleWillNavigate(url: string, location: RendererLocation, actions: Pick<NavigationActions, 'openExternal'>): 'allow' | 'deny' {
  if (isRendererUrl(url, location)) return 'allow';
  if (isWebLink(url)) actions.openExternal(url);
  return 'deny';
}
