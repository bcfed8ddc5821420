import { useEffect, useState } from 'react';
import { parseRoute, routeHref, type Route } from './route';

export { parseRoute, routeHref, type Route };

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    // The token handshake may rewrite the address before this effect runs.
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
