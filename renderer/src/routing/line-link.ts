// "Copy link to line" (docs/product-rules.md, "Links to a log line"): in the browser, this page's address
// with the project route and the line; in the desktop app, a berth:// link that the OS hands to Berth.
import type { BerthApi } from '../../../shared';
import { deepLinkUrl, type LineLink } from '../../../shared/log-link';
import { routeHref } from './route';

export function shareableLineLink(transport: BerthApi['transport'], page: { readonly origin: string; readonly pathname: string }, link: LineLink): string {
  if (transport === 'ipc') return deepLinkUrl(link);
  return `${page.origin}${page.pathname}${routeHref({ name: 'project', ...link })}`;
}
