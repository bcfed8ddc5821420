import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { useApi } from '../api/api-context';
import { parseRoute, routeHref, type Route } from './route';
import { opensOwnWindow } from './window-routing';

/** Goes to a screen: in its own desktop window when it belongs to another window, otherwise in place. */
export function useGo(): (target: Route) => 'window' | 'here' {
  const api = useApi();
  return (target) => {
    if (opensOwnWindow(api.transport, parseRoute(window.location.hash), target)) {
      window.open(routeHref(target));
      return 'window';
    }
    window.location.hash = routeHref(target);
    return 'here';
  };
}

/** An anchor to a screen that follows the desktop app's one-window-per-project rule. */
export function RouteLink({ to, onClick, ...rest }: { to: Route } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const api = useApi();
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (opensOwnWindow(api.transport, parseRoute(window.location.hash), to)) {
      event.preventDefault();
      window.open(routeHref(to));
    }
  };
  return <a href={routeHref(to)} onClick={click} {...rest} />;
}
