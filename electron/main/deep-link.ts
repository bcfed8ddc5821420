// berth:// links (docs/product-rules.md, "Links to a log line"): the OS hands them to Berth in argv
// (Windows, Linux: a second instance's command line) or as an `open-url` event (macOS). This module is
// the decision: which links are Berth's and where they go. index.ts only wires the events to it.
import { DEEP_LINK_SCHEME, PROJECT_ID_PATTERN, lineLinkQuery, readLineLinkQuery } from '../../shared/log-link';
import type { WindowRoute } from './renderer-location';

export interface DeepLink {
  readonly projectId: string;
  readonly deploymentId?: string;
  readonly lineNo?: number;
}

/** Longer than any link Berth makes; a longer one is refused before it is parsed. */
const MAX_LINK_LENGTH = 2048;
/** The one path: `projects/<id>`, with the trailing slash Windows sometimes adds. */
const PROJECT_PATH = /^\/([^/]+)\/?$/;

/**
 * Strict: only `berth://projects/<projectId>[?deployment=<id>[&line=<n>]]`, with ids as the store makes
 * them and a positive whole line number. Anything else is refused with the reason, for the user.
 */
export function parseDeepLink(url: string): DeepLink | { readonly error: string } {
  if (typeof url !== 'string' || url.length === 0) return { error: 'the link is empty' };
  if (url.length > MAX_LINK_LENGTH) return { error: `the link is ${url.length} characters long; a Berth link is at most ${MAX_LINK_LENGTH}` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: 'the link is not a URL' };
  }
  if (parsed.protocol !== `${DEEP_LINK_SCHEME}:`) return { error: `the link is not a ${DEEP_LINK_SCHEME}:// link` };
  if (parsed.username || parsed.password || parsed.port) return { error: 'a Berth link has no user, password or port' };
  if (parsed.hash) return { error: 'a Berth link has no #fragment' };
  if (parsed.host !== 'projects') return { error: `“${parsed.host || parsed.pathname.slice(0, 40)}” is not a place a Berth link opens (only berth://projects/<id>)` };
  const projectId = PROJECT_PATH.exec(parsed.pathname)?.[1];
  if (!projectId || !PROJECT_ID_PATTERN.test(projectId)) return { error: `“${parsed.pathname.slice(1, 80)}” is not a project id (prj_ and 12 letters or digits)` };
  const query = readLineLinkQuery(parsed.search.replace(/^\?/, ''));
  if (!query.ok) return { error: query.error };
  return { projectId, ...(query.deploymentId !== undefined ? { deploymentId: query.deploymentId } : {}), ...(query.lineNo !== undefined ? { lineNo: query.lineNo } : {}) };
}

/** The berth:// link in a command line (a second instance's argv, or our own at launch), if any. */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  return argv.find((argument) => argument.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) ?? null;
}

/** The project's window, on the renderer route that shows the linked line. */
export function deepLinkRoute(link: DeepLink): WindowRoute {
  const query = lineLinkQuery(link);
  return { kind: 'project', projectId: link.projectId, page: `#/projects/${link.projectId}${query ? `?${query}` : ''}` };
}
