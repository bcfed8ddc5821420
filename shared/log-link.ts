// A link to one log line (docs/product-rules.md, "Links to a log line"): the project, the deployment
// whose log it is, and the line. The browser form is the renderer hash `#/projects/<id>?deployment=…&line=…`;
// the desktop form is `berth://projects/<id>?deployment=…&line=…`. Both carry the same query, read and
// written here, so the renderer's route and the main process's deep-link parser agree on one rule.

/** Ids as the store makes them (`newId` in the engine's store): a prefix, "_", 12 of [a-z0-9]. */
export const PROJECT_ID_PATTERN = /^prj_[a-z0-9]{12}$/;
export const DEPLOYMENT_ID_PATTERN = /^dep_[a-z0-9]{12}$/;
/** A positive decimal integer, no sign, no leading zero, no exponent: what `line=` accepts. */
const LINE_NO_PATTERN = /^[1-9][0-9]{0,14}$/;

export interface LineLink {
  readonly projectId: string;
  readonly deploymentId?: string;
  /** Only with a deployment: a line number means nothing without the log it is in. */
  readonly lineNo?: number;
}

/** The query part (`deployment=…&line=…`, no `?`), or '' when the link names only the project. */
export function lineLinkQuery(link: Omit<LineLink, 'projectId'>): string {
  if (!link.deploymentId) return '';
  const parts = [`deployment=${encodeURIComponent(link.deploymentId)}`];
  if (link.lineNo !== undefined) parts.push(`line=${link.lineNo}`);
  return parts.join('&');
}

export type QueryReading =
  | { readonly ok: true; readonly deploymentId?: string; readonly lineNo?: number }
  | { readonly ok: false; readonly error: string };

function lineNoOf(text: string): number | null {
  if (!LINE_NO_PATTERN.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * Reads a link's query (without `?`). Strict: an unknown or repeated parameter, a malformed id, a line
 * that is not a positive integer, or a line without a deployment is an error naming what is wrong.
 * The renderer drops what this refuses and opens the project plainly; the deep-link parser refuses the link.
 */
export function readLineLinkQuery(query: string): QueryReading {
  let deploymentId: string | undefined;
  let lineNo: number | undefined;
  const seen = new Set<string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = decode(equals === -1 ? part : part.slice(0, equals));
    const value = equals === -1 ? null : decode(part.slice(equals + 1));
    if (name === null || value === null) return { ok: false, error: `“${part.slice(0, 80)}” is not a name=value parameter` };
    if (seen.has(name)) return { ok: false, error: `“${name}” is given twice` };
    seen.add(name);
    if (name === 'deployment') {
      if (!DEPLOYMENT_ID_PATTERN.test(value)) return { ok: false, error: `“${value.slice(0, 80)}” is not a deployment id (dep_ and 12 letters or digits)` };
      deploymentId = value;
    } else if (name === 'line') {
      const parsed = lineNoOf(value);
      if (parsed === null) return { ok: false, error: `line “${value.slice(0, 80)}” is not a positive whole number` };
      lineNo = parsed;
    } else {
      return { ok: false, error: `“${name.slice(0, 80)}” is not a parameter of a Berth link (only deployment and line are)` };
    }
  }
  if (lineNo !== undefined && deploymentId === undefined) return { ok: false, error: 'a line needs the deployment whose log it is in (deployment=…)' };
  return { ok: true, ...(deploymentId !== undefined ? { deploymentId } : {}), ...(lineNo !== undefined ? { lineNo } : {}) };
}

/** The desktop app's URL scheme (registered by the installers and at startup). */
export const DEEP_LINK_SCHEME = 'berth';

/** `berth://projects/<id>?deployment=…&line=…`: what "Copy link to line" gives in the desktop app. */
export function deepLinkUrl(link: LineLink): string {
  const query = lineLinkQuery(link);
  return `${DEEP_LINK_SCHEME}://projects/${encodeURIComponent(link.projectId)}${query ? `?${query}` : ''}`;
}
